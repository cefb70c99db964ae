# cython: language_level=3
"""CPU kernel of `crossfade` (shaders/transitions/crossfade.glsl): a + (b - a) * progress.

A flat per-row loop over the 3 * width channel values, in float32 (exact to well under 1 LSB on
16-bit values), that compilers vectorise; memory-bound at 1080p.
"""

include "common.pxi"

#: kernel name -> number of float parameters it reads from `params`.
KERNELS = {"crossfade": 0}


cdef void k_crossfade(const Ctx* c, int y) noexcept nogil:
    cdef Py_ssize_t n = <Py_ssize_t>c.w * 3
    cdef Py_ssize_t offset = <Py_ssize_t>y * n
    cdef const u16* a = c.frm.data + offset
    cdef const u16* b = c.to.data + offset
    cdef u16* o = c.out + offset
    cdef float p = c.progress
    cdef Py_ssize_t i
    for i in range(n):
        o[i] = <u16>(<float>a[i] + (<float>b[i] - <float>a[i]) * p + 0.5)


cdef RowKernel kernel_for(str name):
    if name == "crossfade":
        return k_crossfade
    return NULL
