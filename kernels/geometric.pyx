# cython: language_level=3
"""CPU kernels of the geometric built-ins (shaders/transitions/<name>.glsl), one row at a time.

Each kernel is a line-by-line port of its GLSL file; parameters arrive in `c.p` in the order
the GLSL declares them. Samples at the pixel's own position use `texel` (exact, no filtering).
"""

include "common.pxi"

#: kernel name -> number of float parameters it reads from `params`.
KERNELS = {
    "wipe": 3,
}


cdef void k_wipe(const Ctx* c, int y) noexcept nogil:
    cdef float dx = c.p[0]
    cdef float dy = c.p[1]
    cdef float s = maxf(c.p[2], 1e-5)
    cdef float n = length2(dx, dy)
    if n > 0.0:
        dx = dx / n
        dy = dy / n
    else:
        dx = 1.0
        dy = 0.0
    n = fabsf(dx) + fabsf(dy)
    dx = dx / n
    dy = dy / n
    cdef float edge = dx * 0.5 + dy * 0.5 - 0.5 + c.progress * (1.0 + s)
    cdef float v = uv_v(c, y)
    cdef float u, m
    cdef int x
    for x in range(c.w):
        u = uv_u(c, x)
        m = 1.0 - smoothstep(-s, 0.0, dx * u + dy * v - edge)
        put(c, x, y, mix3(texel(&c.frm, x, y), texel(&c.to, x, y), m))


cdef RowKernel kernel_for(str name):
    if name == "wipe":
        return k_wipe
    return NULL
