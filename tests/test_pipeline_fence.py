"""The reorder fence and the buffer ring under randomised completion order and errors."""

from __future__ import annotations

import random
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.pipeline.dispenser import SharedFrames, frame_sources
from engine.pipeline.fence import FenceAborted, ReorderFence
from engine.pipeline.planning import partition
from engine.pipeline.ring import BufferRing


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(0, 60),
    workers=st.integers(1, 4),
    depth=st.integers(1, 4),
    how=st.sampled_from(["interleaved", "contiguous"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_out_of_order_completions_leave_in_order(count: int, workers: int, depth: int, how: str, seed: int) -> None:
    order = list(range(100, 100 + count))
    capacity = workers * depth if how == "interleaved" else count + 1
    fence: ReorderFence[int] = ReorderFence(order, capacity)
    rng = random.Random(seed)
    delays = {i: rng.random() * 0.001 for i in order}

    def worker(share: list[int]) -> None:
        # up to `depth` frames in flight per worker, finishing in random order
        for start in range(0, len(share), depth):
            batch = share[start:start + depth]
            rng_local = random.Random(seed + start)
            rng_local.shuffle(batch)
            for index in batch:
                time.sleep(delays[index])
                fence.put(index, index * 2, timeout=10)

    threads = [threading.Thread(target=worker, args=(s,)) for s in partition(order, workers, how)]
    for t in threads:
        t.start()
    received = [(i, v) for i, v in fence]
    for t in threads:
        t.join()
    assert received == [(i, i * 2) for i in order]
    assert fence.max_pending <= capacity


@settings(max_examples=40, deadline=None)
@given(
    count=st.integers(0, 60),
    workers=st.integers(1, 4),
    depth=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_dynamic_sharing_never_outgrows_the_fence(count: int, workers: int, depth: int, seed: int) -> None:
    """Workers take the next frame only once they hold one of their `depth` slots (as the
    render does): the fence, at workers x depth, then never blocks a put, and every frame
    leaves once, in order, whichever worker took it."""
    order = list(range(7, 7 + count))
    fence: ReorderFence[int] = ReorderFence(order, workers * depth)
    source = frame_sources(order, workers, "dynamic")
    slots = [threading.Semaphore(depth) for _ in range(workers)]
    taken: list[list[int]] = [[] for _ in range(workers)]

    def worker(w: int) -> None:
        rng = random.Random(seed + w)
        while True:
            slots[w].acquire()
            index = source[w].take()
            if index is None:
                slots[w].release()
                return
            taken[w].append(index)
            time.sleep(rng.random() * 0.001)
            fence.put(index, w, timeout=5)  # a TimeoutError here would mean the fence was too small

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    received = []
    for index, w in fence:
        received.append(index)
        slots[w].release()  # the encoder copied the frame: its slot is free again
    for t in threads:
        t.join()
    assert received == order
    assert sorted(i for share in taken for i in share) == order
    assert all(share == sorted(share) for share in taken)


def test_shared_frames_hand_out_each_frame_once_across_threads() -> None:
    shared = SharedFrames(range(5000))
    got: list[list[int]] = [[] for _ in range(4)]

    def take_all(mine: list[int]) -> None:
        while (i := shared.take()) is not None:
            mine.append(i)

    threads = [threading.Thread(target=take_all, args=(g,)) for g in got]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(i for g in got for i in g) == list(range(5000))
    assert shared.take() is None


def test_backpressure_bounds_pending_frames() -> None:
    fence: ReorderFence[int] = ReorderFence(list(range(10)), capacity=3)
    fence.put(1, 1)
    fence.put(2, 2)
    with pytest.raises(TimeoutError, match="frame 3 waited"):
        fence.put(3, 3, timeout=0.05)  # 3 is 3 ahead of frame 0: must wait
    fence.put(0, 0)
    assert fence.get() == (0, 0)
    fence.put(3, 3, timeout=0.05)  # room now


def test_abort_wakes_every_waiter_with_the_original_error() -> None:
    fence: ReorderFence[int] = ReorderFence(list(range(10)), capacity=1)
    ring = BufferRing(1, 4, 4)
    ring.acquire()
    caught: list[BaseException] = []

    def wait(fn) -> None:
        try:
            fn()
        except FenceAborted as exc:
            caught.append(exc.error)

    waiters = [threading.Thread(target=wait, args=(f,)) for f in (
        lambda: fence.put(5, 5), lambda: fence.get(), lambda: ring.acquire())]
    for t in waiters:
        t.start()
    time.sleep(0.05)
    original = RuntimeError("capture failed at frame 4")
    fence.abort(original)
    fence.abort(ValueError("a later error"))
    ring.abort(original)
    for t in waiters:
        t.join(timeout=5)
    assert caught == [original] * 3
    assert fence.error is original


def test_fence_rejects_duplicates_and_strangers() -> None:
    fence: ReorderFence[int] = ReorderFence([0, 1], capacity=4)
    fence.put(0, 0)
    with pytest.raises(ValueError, match="twice"):
        fence.put(0, 0)
    with pytest.raises(KeyError, match="frame 7 is not part"):
        fence.put(7, 0)


def test_ring_reuses_a_slot_only_after_release() -> None:
    ring = BufferRing(2, 8, 4)
    a, b = ring.acquire(), ring.acquire()
    assert a is not b and a.out.shape == (4, 8, 3)
    with pytest.raises(TimeoutError, match="slot 0"):
        ring.acquire(timeout=0.05)
    ring.release(a)
    assert ring.acquire(timeout=0.05) is a
    with pytest.raises(ValueError, match="released twice"):
        ring.release(b) or ring.release(b)
    assert ring.nbytes == 2 * 3 * 8 * 4 * 3 * 2
