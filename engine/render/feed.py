"""The encoder feed: frames leave the reorder fence in index order and go to the encoder; each
slot returns to its ring once the encoder has copied it."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..output.encoder import Encoder
from ..pipeline.fence import FenceAborted
from .job import Job

__all__ = ["feed", "ProgressCallback"]

ProgressCallback = Callable[[int, int], None]


def feed(job: Job, encoder: Encoder, progress: ProgressCallback | None) -> None:
    """Run on the feeder thread until the fence is drained or aborted (an error aborts the job)."""
    done = 0
    try:
        while True:
            with job.stats.timed("wait_frames"):
                entry = job.fence.get()
                if entry is None:
                    return
                _, (future, ring, slot) = entry
                try:
                    future.result()
                except BaseException:
                    ring.release(slot)
                    raise
            encoder.write(slot.out, done=functools.partial(ring.release, slot))
            done += 1
            if progress is not None:
                progress(done, len(job.frames))
    except FenceAborted:
        pass
    except BaseException as exc:
        job.abort(exc)
