# cython: language_level=3
"""CSS colour filter functions on a decoded video frame (native video layers: engine/capture/layers.py).

`apply` runs a chain of ``filter`` functions (brightness, contrast, saturate, grayscale, sepia,
invert, hue-rotate) over a uint8 or uint16 RGB frame as Chromium does: in sRGB-encoded space,
each function an affine 3x4 colour matrix (Chromium's cc/paint render_surface_filters matrices,
built in float32) followed by a clamp to [0, 1]; the pixel read as ``v * (1 / max)``, every
multiply-add fused (float32 FMA, emulated in double), the result rounded to nearest-even.
Measured against Chromium's filtered captures of 8-bit pictures: bit-exact for brightness,
contrast, saturate, grayscale, sepia, invert and chains of them; hue-rotate about 0.01 % of
pixels one level off. 16-bit input runs the same maths at 16 bits.

One pass over the frame: each row is read into float planes once, every function of the chain
runs over them in cache (its clamp kept: matrices are not merged), then the row is rounded back.
Rows are split over OpenMP threads when the build has OpenMP; the GIL is released.
"""

import math
import os

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport cosf, sinf
from libc.stdlib cimport malloc, free

ctypedef unsigned short u16
ctypedef unsigned char u8

ctypedef fused pix_t:
    u8
    u16

#: the functions `apply` takes, by name (CSS filter function names)
FUNCTIONS = ("brightness", "contrast", "saturate", "grayscale", "sepia", "invert", "hue-rotate")
_UNIT = ("grayscale", "sepia", "invert")  # amounts above 1 act as 1 (Filter Effects 1)


include "threads.pxi"


cdef inline void towards_luma(float r, float g, float rest_r, float rest_g, float a, float* m) noexcept nogil:
    """The saturate matrix at amount `a` with luma weights `r`, `g` (blue the rest; `rest_r` and
    `rest_g` are 1 - r and 1 - g as Chromium writes them, float32): grayscale uses it too."""
    m[0] = r + rest_r * a
    m[1] = g - g * a
    m[2] = <float>1.0 - (m[0] + m[1])
    m[4] = r - r * a
    m[5] = g + rest_g * a
    m[6] = <float>1.0 - (m[4] + m[5])
    m[8] = r - r * a
    m[9] = g - g * a
    m[10] = <float>1.0 - (m[8] + m[9])


cdef void matrix_of(int kind, float a, float* m) noexcept nogil:
    """Function `kind` (index in FUNCTIONS) at amount `a` as 12 floats: for each of r, g, b its
    coefficients of r, g, b and its offset; float32 arithmetic, as Chromium builds them."""
    cdef int i
    cdef float c, s, h
    for i in range(12):
        m[i] = 0.0
    if kind == 0:  # brightness
        m[0] = a
        m[5] = a
        m[10] = a
    elif kind == 1:  # contrast
        m[0] = a
        m[5] = a
        m[10] = a
        m[3] = <float>-0.5 * a + <float>0.5
        m[7] = m[3]
        m[11] = m[3]
    elif kind == 2:  # saturate
        towards_luma(<float>0.213, <float>0.715, <float>0.787, <float>0.285, a, m)
    elif kind == 3:  # grayscale (Chromium passes 1 - amount)
        towards_luma(<float>0.2126, <float>0.7152, <float>0.7874, <float>0.2848, <float>1.0 - a, m)
    elif kind == 4:  # sepia (Chromium passes 1 - amount)
        a = <float>1.0 - a
        m[0] = <float>0.393 + <float>0.607 * a
        m[1] = <float>0.769 - <float>0.769 * a
        m[2] = <float>0.189 - <float>0.189 * a
        m[4] = <float>0.349 - <float>0.349 * a
        m[5] = <float>0.686 + <float>0.314 * a
        m[6] = <float>0.168 - <float>0.168 * a
        m[8] = <float>0.272 - <float>0.272 * a
        m[9] = <float>0.534 - <float>0.534 * a
        m[10] = <float>0.131 + <float>0.869 * a
    elif kind == 5:  # invert
        m[0] = <float>1.0 - <float>2.0 * a
        m[5] = m[0]
        m[10] = m[0]
        m[3] = a
        m[7] = a
        m[11] = a
    else:  # hue-rotate, a in degrees
        h = a * <float>3.14159265358979323846 / <float>180.0
        c = cosf(h)
        s = sinf(h)
        m[0] = <float>0.213 + c * <float>0.787 - s * <float>0.213
        m[1] = <float>0.715 - c * <float>0.715 - s * <float>0.715
        m[2] = <float>0.072 - c * <float>0.072 + s * <float>0.928
        m[4] = <float>0.213 - c * <float>0.213 + s * <float>0.143
        m[5] = <float>0.715 + c * <float>0.285 + s * <float>0.140
        m[6] = <float>0.072 - c * <float>0.072 - s * <float>0.283
        m[8] = <float>0.213 - c * <float>0.213 - s * <float>0.787
        m[9] = <float>0.715 - c * <float>0.715 + s * <float>0.715
        m[10] = <float>0.072 + c * <float>0.928 + s * <float>0.072


# One function over a row's planes, in C with `restrict` planes so that the compiler vectorises it:
# each of r, g, b out = clamp(x * m0 + (y * m1 + (z * m2 + m3))), every multiply-add a float32 FMA
# (the product is exact in double and the sum rounded to double, then to float: a fused result
# without FMA hardware, but for a double rounding in rare halfway cases).
cdef extern from *:
    """
    static inline float engine_colour_fmadd(float x, float k, float acc) {
        return (float)((double)x * (double)k + (double)acc);
    }
    static inline float engine_colour_clamp(float v) { return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); }
    static void engine_colour_pass(const float* restrict r, const float* restrict g, const float* restrict b,
                                   float* restrict r2, float* restrict g2, float* restrict b2, Py_ssize_t n,
                                   const float* m) {
        const float m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3], m4 = m[4], m5 = m[5];
        const float m6 = m[6], m7 = m[7], m8 = m[8], m9 = m[9], m10 = m[10], m11 = m[11];
        for (Py_ssize_t j = 0; j < n; j++) {
            r2[j] = engine_colour_clamp(engine_colour_fmadd(r[j], m0, engine_colour_fmadd(g[j], m1,
                                        engine_colour_fmadd(b[j], m2, m3))));
            g2[j] = engine_colour_clamp(engine_colour_fmadd(r[j], m4, engine_colour_fmadd(g[j], m5,
                                        engine_colour_fmadd(b[j], m6, m7))));
            b2[j] = engine_colour_clamp(engine_colour_fmadd(r[j], m8, engine_colour_fmadd(g[j], m9,
                                        engine_colour_fmadd(b[j], m10, m11))));
        }
    }
    """
    void engine_colour_pass(const float* r, const float* g, const float* b, float* r2, float* g2, float* b2,
                            Py_ssize_t n, const float* m) noexcept nogil


cdef void chain_row(const pix_t* src, pix_t* dst, Py_ssize_t n, const float* mats, int count,
                    float* buf) noexcept nogil:
    """`n` pixels of `src` through the `count` matrices of `mats` into `dst` (may be `src`);
    `buf`: scratch of 6 * n floats (the channels as planes, twice: simple loops vectorise)."""
    cdef Py_ssize_t j
    cdef int f
    cdef float* r = buf
    cdef float* g = buf + n
    cdef float* b = buf + 2 * n
    cdef float* r2 = buf + 3 * n
    cdef float* g2 = buf + 4 * n
    cdef float* b2 = buf + 5 * n
    cdef float* swap
    cdef float top = 255.0 if pix_t is u8 else 65535.0
    cdef float inv = (<float>1.0) / top
    cdef float MAGIC = 12582912.0
    for j in range(n):
        r[j] = <float>src[j * 3] * inv
        g[j] = <float>src[j * 3 + 1] * inv
        b[j] = <float>src[j * 3 + 2] * inv
    for f in range(count):
        engine_colour_pass(r, g, b, r2, g2, b2, n, mats + f * 12)
        swap = r
        r = r2
        r2 = swap
        swap = g
        g = g2
        g2 = swap
        swap = b
        b = b2
        b2 = swap
    for j in range(n):  # to nearest-even: adding 1.5 * 2^23 leaves no fraction bits (values below 2^22)
        dst[j * 3] = <pix_t>(<int>((r[j] * top + MAGIC) - MAGIC))
        dst[j * 3 + 1] = <pix_t>(<int>((g[j] * top + MAGIC) - MAGIC))
        dst[j * 3 + 2] = <pix_t>(<int>((b[j] * top + MAGIC) - MAGIC))


cdef void chain_rows(const pix_t* src, pix_t* dst, Py_ssize_t h, Py_ssize_t w, const float* mats, int count,
                     int threads, float* buf) noexcept nogil:
    """Every row; `buf`: `threads` scratch areas of 6 * w floats."""
    cdef Py_ssize_t y
    if threads > 1:
        for y in prange(h, num_threads=threads, schedule="static"):
            chain_row(src + y * w * 3, dst + y * w * 3, w, mats, count, buf + threadid() * 6 * w)
    else:
        for y in range(h):
            chain_row(src + y * w * 3, dst + y * w * 3, w, mats, count, buf)


def _chain(object filters):
    """`filters` checked: a sequence of (name, amount) with names of FUNCTIONS and finite amounts
    (hue-rotate in degrees; the others at least 0); as (function index, amount) pairs."""
    out = []
    try:
        items = list(filters)
    except TypeError:
        raise ValueError(f"filters must be a sequence of (name, amount) pairs, got {filters!r}") from None
    for item in items:
        try:
            name, amount = item
            amount = float(amount)
        except (TypeError, ValueError):
            raise ValueError(f"each filter must be a (name, amount) pair, got {item!r}") from None
        if name not in FUNCTIONS:
            raise ValueError(f"unknown colour filter function {name!r}; expected one of {', '.join(FUNCTIONS)}")
        if not math.isfinite(amount) or (name != "hue-rotate" and amount < 0):
            raise ValueError(f"{name}() needs a finite amount{'' if name == 'hue-rotate' else ' of at least 0'}, "
                             f"got {amount!r}")
        out.append((FUNCTIONS.index(name), min(amount, 1.0) if name in _UNIT else amount))
    return out


def apply(object src, object filters, object out=None, int threads=0):
    """Run the colour filter chain `filters` ((name, amount) pairs, in CSS order: hue-rotate in
    degrees, the others as numbers, 1 = 100 %) over `src` (uint8 or uint16 RGB, C-contiguous
    (h, w, 3)) into `out` (same shape and dtype; `src` itself filters in place; None: a new
    array). Returns `out`. `threads`: 0 uses every usable CPU."""
    if not isinstance(src, np.ndarray) or src.dtype not in (np.uint8, np.uint16) or src.ndim != 3 \
            or src.shape[2] != 3:
        raise ValueError(f"src must be a uint8 or uint16 array of shape (h, w, 3), got "
                         f"{getattr(src, 'dtype', type(src).__name__)} {getattr(src, 'shape', '')}")
    if not src.flags.c_contiguous:
        raise ValueError("src must be C-contiguous")
    chain = _chain(filters)
    if out is None:
        out = np.empty_like(src)
    elif not isinstance(out, np.ndarray) or out.dtype != src.dtype or out.shape != src.shape \
            or not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"out must be a writeable C-contiguous {src.dtype} array of shape {src.shape}, got "
                         f"{getattr(out, 'dtype', type(out).__name__)} {getattr(out, 'shape', '')}")
    cdef int nthreads = _threads(threads)
    cdef int count = len(chain), f
    cdef Py_ssize_t h = src.shape[0], w = src.shape[1]
    if not count:
        if out is not src:
            np.copyto(out, src)
        return out
    if h == 0 or w == 0:
        return out
    cdef float* mats = <float*>malloc(count * 12 * sizeof(float))
    cdef float* buf = <float*>malloc(nthreads * 6 * w * sizeof(float))
    if not mats or not buf:
        free(mats)
        free(buf)
        raise MemoryError()
    cdef const u8[:, :, ::1] s8
    cdef u8[:, :, ::1] d8
    cdef const u16[:, :, ::1] s16
    cdef u16[:, :, ::1] d16
    try:
        for f in range(count):
            matrix_of(chain[f][0], <float>chain[f][1], mats + f * 12)
        if src.dtype == np.uint8:
            s8 = src
            d8 = out
            with nogil:
                chain_rows(&s8[0, 0, 0], &d8[0, 0, 0], h, w, mats, count, nthreads, buf)
        else:
            s16 = src
            d16 = out
            with nogil:
                chain_rows(&s16[0, 0, 0], &d16[0, 0, 0], h, w, mats, count, nthreads, buf)
    finally:
        free(mats)
        free(buf)
    return out
