# The source taps of one destination pixel along one axis, shared by composite.pyx (`place`, per
# row and column) and place_affine.pyx (per pixel), and `mix`, how both draw a sample into the
# frame. Included, not imported; the module cimports floor and ceil from libc.math and defines u16.

cdef inline u16 mix(u16 d, float s, float a) noexcept nogil:
    cdef float v = d + (s - d) * a + 0.5
    if v <= 0.0:
        return 0
    if v >= 65535.0:
        return 65535
    return <u16>v


cdef inline Py_ssize_t axis_tap(double c, double k, Py_ssize_t size, Py_ssize_t stride, Py_ssize_t cap,
                                Py_ssize_t* src, float* weight) noexcept nogil:
    """Taps of one source axis at coordinate `c` (source pixels) for `k` source pixels per
    destination pixel: bilinear between the nearest centres (clamped) when k <= 1, else the area
    of a box `k` wide (area averaging: minified footage does not alias); returns their count (at
    most `cap`), writing each tap's offset (times `stride`) into `src` and its weight into `weight`."""
    cdef double s, a, b, w, total, lo, hi
    cdef Py_ssize_t k0, k1, j, n = 0
    if k <= 1.0:
        s = c - 0.5
        if s < 0.0:
            s = 0.0
        if s > size - 1:
            s = size - 1
        k0 = <Py_ssize_t>floor(s)
        w = s - k0
        src[0] = k0 * stride
        weight[0] = <float>(1.0 - w)
        src[1] = (k0 + 1 if k0 + 1 < size else k0) * stride
        weight[1] = <float>w
        return 2
    a = c - k * 0.5
    b = c + k * 0.5
    if a < 0.0:
        a = 0.0
    if b > size:
        b = <double>size
    if b <= a:
        src[0] = (0 if c < 0.0 else size - 1) * stride
        weight[0] = 1.0
        return 1
    k0 = <Py_ssize_t>floor(a)
    k1 = <Py_ssize_t>ceil(b)
    total = b - a
    for j in range(k0, k1):
        lo = a if a > j else <double>j
        hi = b if b < j + 1 else <double>(j + 1)
        if hi > lo and n < cap:
            src[n] = j * stride
            weight[n] = <float>((hi - lo) / total)
            n += 1
    return n
