# The thread count of the kernels that split rows over OpenMP (included, not imported; the module
# imports os).

def _threads(int threads):
    """The thread count to run with: `threads`, or every usable CPU when it is 0."""
    if threads < 0:
        raise ValueError(f"threads must be 0 (every usable CPU) or more, got {threads}")
    if threads == 0:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
            return max(1, os.cpu_count() or 1)
    return threads
