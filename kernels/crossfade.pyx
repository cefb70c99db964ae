# cython: language_level=3
"""CPU kernel of `crossfade` (shaders/transitions/crossfade.glsl): a + (b - a) * progress.

Integer arithmetic on each row's 3 * width channel values (kernels/simd.h): exact at progress
0 and 1, within 1 LSB of round(a + (b - a) * p) between; memory-bound at 1080p.
"""

include "common.pxi"

from libc.stdint cimport uint32_t

cdef extern from "simd.h" nogil:
    void engine_crossfade_span(const u16* a, const u16* b, u16* o, Py_ssize_t n, uint32_t w)


cdef void k_crossfade(const Ctx* c, int y) noexcept nogil:
    cdef Py_ssize_t n = <Py_ssize_t>c.w * 3
    cdef Py_ssize_t offset = <Py_ssize_t>y * n
    cdef uint32_t w = <uint32_t>(c.progress * <float>65536.0 + <float>0.5)
    engine_crossfade_span(c.frm.data + offset, c.to.data + offset, c.out + offset, n, w)


#: The module's one dispatch table: kernel name -> its row function, the number of float
#: parameters it reads from `params`.
TABLE = {
    "crossfade": row_kernel(k_crossfade, 0),
}
KERNELS = {name: k.nparams for name, k in TABLE.items()}
