"""Chunks of a distributed render (`engine.render(..., ray=...)`): which frames each Ray task
renders. Pure.

Any frame renders on its own (frame i is the page at i / fps, a transition frame its two scenes
blended), so a chunk may start anywhere and the joined frames are the frames of a one-machine
render. Cuts are still kept out of transitions where they can be: a cut that would fall inside a
transition moves back to the transition's first frame (forward to its end when that would leave
the chunk empty), so each transition's frames are captured by one browser, seeking its two
scenes forwards, as on one machine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ..config import option_name
from ..errors import ConfigError

__all__ = ["default_chunk_frames", "chunk_ranges", "MIN_CHUNK_FRAMES"]

#: The smallest chunk chosen by default: a chunk costs an encoder start and a file to join.
MIN_CHUNK_FRAMES = 30


def default_chunk_frames(frame_count: int, actors: int) -> int:
    """About four chunks per actor (so a slow or restarted one is balanced by the others), at
    least `MIN_CHUNK_FRAMES` frames each."""
    return max(MIN_CHUNK_FRAMES, math.ceil(frame_count / max(1, 4 * actors)))


def chunk_ranges(frames: Sequence[int], chunk_frames: int, in_transition: Callable[[int], bool]) -> list[range]:
    """`frames` (consecutive indices) cut into chunks of about `chunk_frames` frames, the cuts
    moved out of transitions (`in_transition(i)`: frame i is inside one, after its first frame)."""
    if chunk_frames < 1:
        raise ConfigError(f"{option_name('chunk_frames')}={chunk_frames!r} is not valid; expected 1 or more")
    if not frames:
        return []
    first, end = frames[0], frames[-1] + 1
    cuts = [first]
    target = first + chunk_frames
    while target < end:
        cut = target
        while cut > cuts[-1] + 1 and in_transition(cut):
            cut -= 1
        if cut == cuts[-1] + 1 and in_transition(cut):  # the whole chunk is one transition: cut after it
            cut = target
            while cut < end and in_transition(cut):
                cut += 1
        if cut >= end:
            break
        cuts.append(cut)
        target = cut + chunk_frames
    return [range(a, b) for a, b in zip(cuts, cuts[1:] + [end], strict=True)]
