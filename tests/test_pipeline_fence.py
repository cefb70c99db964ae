"""The reorder fence and the buffer ring under randomised completion order and errors."""

from __future__ import annotations

import random
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
