# cython: language_level=3
"""Compositing of native video layers into a captured rgb48le frame (engine/capture/layers.py).

- `place` draws a decoded video frame (uint8 or uint16 RGB) into a rectangle of the frame:
  bilinear sampling with clamp-to-edge at pixel centres when magnifying, a box filter (area
  averaging) along an axis that is minified, anti-aliased edges (each pixel covered by the
  fraction of its area inside the rectangle and the clip), optionally rounded clips (each pixel
  also covered by the area inside rounded rectangles: CSS border-radius, elliptical corners,
  measured on `SUB` sub-scanlines in the corner regions only), and an opacity. A 1:1 placement
  on whole pixels at opacity 1 without rounded clips copies the source exactly.
- `over` draws a straight-alpha RGBA8 picture (the part of the page painting above the video)
  over the frame with exact integer source-over.

Both release the GIL and split rows over OpenMP threads when the build has OpenMP.
"""

import math
import os

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport floor, ceil, sqrt
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

ctypedef unsigned short u16
ctypedef unsigned char u8

ctypedef fused pix_t:
    u8
    u16


cdef struct Taps:
    # per destination index along one axis (from the placement's first): `count[i]` taps at
    # `src[i * width + k]` (source offsets in channel values) with weights `weight[i * width + k]`
    # summing to 1, and the index's coverage by the rectangle and the clip
    Py_ssize_t width
    Py_ssize_t* count
    Py_ssize_t* src
    float* weight
    float* cover


include "threads.pxi"


def _frame(object dst):
    """`dst` checked: a C-contiguous uint16 array of shape (height, width, 3)."""
    if not isinstance(dst, np.ndarray) or dst.dtype != np.uint16 or dst.ndim != 3 or dst.shape[2] != 3:
        raise ValueError(f"dst must be a uint16 array of shape (height, width, 3) (rgb48le), got "
                         f"{getattr(dst, 'dtype', type(dst).__name__)} {getattr(dst, 'shape', '')}")
    if not dst.flags.c_contiguous or not dst.flags.writeable:
        raise ValueError("dst must be C-contiguous and writeable")
    return dst


def _box(object value, str name):
    """`value` checked: four finite numbers (x0, y0, x1, y1)."""
    try:
        box = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be four numbers (x0, y0, x1, y1), got {value!r}") from None
    if len(box) != 4 or not all(math.isfinite(v) for v in box):
        raise ValueError(f"{name} must be four finite numbers (x0, y0, x1, y1), got {value!r}")
    return box


include "rounded.pxi"
include "taps.pxi"


cdef int axis_taps(Py_ssize_t first, Py_ssize_t count, double origin, double scale, Py_ssize_t size,
                   double lo, double hi, Py_ssize_t stride, Taps* taps) except -1:
    """Fill `taps` for destination pixels first..first + count - 1 of one axis, whose centres map to
    source coordinate (i + 0.5 - origin) * scale: bilinear between the two nearest source pixel
    centres (clamped to the edge) when magnifying (scale <= 1), else a box filter the width of one
    destination pixel in the source (area averaging), so minified footage does not alias."""
    cdef Py_ssize_t width = 2 if scale <= 1.0 else <Py_ssize_t>ceil(scale) + 2
    taps.width = width
    taps.count = <Py_ssize_t*>malloc(count * sizeof(Py_ssize_t))
    taps.src = <Py_ssize_t*>malloc(count * width * sizeof(Py_ssize_t))
    taps.weight = <float*>malloc(count * width * sizeof(float))
    taps.cover = <float*>malloc(count * sizeof(float))
    if not (taps.count and taps.src and taps.weight and taps.cover):
        raise MemoryError()
    cdef Py_ssize_t i
    for i in range(count):
        taps.cover[i] = coverage(lo, hi, first + i)
        taps.count[i] = axis_tap((first + i + 0.5 - origin) * scale, scale, size, stride, width,
                                 taps.src + i * width, taps.weight + i * width)
    return 0


cdef void free_taps(Taps* taps) noexcept:
    free(taps.count)
    free(taps.src)
    free(taps.weight)
    free(taps.cover)
    taps.count = NULL
    taps.src = NULL
    taps.weight = NULL
    taps.cover = NULL


cdef inline float pixel_alpha(float alpha, float opacity, const RRect* rr, int nrr, Py_ssize_t x,
                              Py_ssize_t y) noexcept nogil:
    """A pixel's coverage `alpha` (by the rectangle and clip, times the opacity) lowered to its
    coverage by each of the `nrr` rounded clips `rr`, times the opacity."""
    cdef int q
    cdef float c
    for q in range(nrr):
        if alpha <= 0.0:
            break
        c = rounded_coverage(&rr[q], x, y) * opacity
        if c < alpha:
            alpha = c
    return alpha


cdef void place_row(const pix_t* src, u16* drow, Py_ssize_t ncols, const Taps* cols, const Taps* rows,
                    Py_ssize_t i, float opacity, float scale, float* acc, const RRect* rr, int nrr,
                    Py_ssize_t cx0, Py_ssize_t ry0) noexcept nogil:
    """Destination row `i` of the placement: the separable sum of its row taps and each column's
    taps, then mixed into `drow` by the pixel's coverage (the least of the rectangle and clip's
    and each of the `nrr` rounded clips' `rr`) times `opacity`; (cx0, ry0): the placement's first
    pixel in the frame."""
    cdef Py_ssize_t j, k, t, off, cw = cols.width, rw = rows.width
    cdef float wy, w, s0, s1, s2, alpha
    cdef float row_cover = rows.cover[i] * opacity
    cdef const pix_t* line
    if row_cover <= 0.0:
        return
    for j in range(ncols * 3):
        acc[j] = 0.0
    for t in range(rows.count[i]):
        line = src + rows.src[i * rw + t]
        wy = rows.weight[i * rw + t]
        for j in range(ncols):
            s0 = 0.0
            s1 = 0.0
            s2 = 0.0
            for k in range(cols.count[j]):
                off = cols.src[j * cw + k]
                w = cols.weight[j * cw + k]
                s0 = s0 + line[off] * w
                s1 = s1 + line[off + 1] * w
                s2 = s2 + line[off + 2] * w
            acc[j * 3] += wy * s0
            acc[j * 3 + 1] += wy * s1
            acc[j * 3 + 2] += wy * s2
    for j in range(ncols):
        alpha = row_cover * cols.cover[j]
        if nrr:
            alpha = pixel_alpha(alpha, opacity, rr, nrr, cx0 + j, ry0 + i)
        if alpha <= 0.0:
            continue
        for k in range(3):
            drow[j * 3 + k] = mix(drow[j * 3 + k], acc[j * 3 + k] * scale, alpha)


cdef void place_row_bilinear(const pix_t* src, u16* drow, Py_ssize_t ncols, const Taps* cols, const Taps* rows,
                             Py_ssize_t i, float opacity, float scale, const RRect* rr, int nrr,
                             Py_ssize_t cx0, Py_ssize_t ry0) noexcept nogil:
    """`place_row` when both axes magnify (two taps each: footage shown at or above its size, the
    common case): the four taps summed in registers instead of through a row of sums, with the same
    float operations in the same order, so the same result to the bit; twice the general row's speed
    on a 1080p frame."""
    cdef Py_ssize_t j, k, o0, o1
    cdef float w0, w1, alpha, v
    cdef float row_cover = rows.cover[i] * opacity
    if row_cover <= 0.0:
        return
    cdef const pix_t* top = src + rows.src[i * 2]
    cdef const pix_t* bottom = src + rows.src[i * 2 + 1]
    cdef float wt = rows.weight[i * 2], wb = rows.weight[i * 2 + 1]
    for j in range(ncols):
        alpha = row_cover * cols.cover[j]
        if nrr:
            alpha = pixel_alpha(alpha, opacity, rr, nrr, cx0 + j, ry0 + i)
        if alpha <= 0.0:
            continue
        o0 = cols.src[j * 2]
        o1 = cols.src[j * 2 + 1]
        w0 = cols.weight[j * 2]
        w1 = cols.weight[j * 2 + 1]
        for k in range(3):
            v = wt * (top[o0 + k] * w0 + top[o1 + k] * w1) + wb * (bottom[o0 + k] * w0 + bottom[o1 + k] * w1)
            drow[j * 3 + k] = mix(drow[j * 3 + k], v * scale, alpha)


cdef void copy_row(const pix_t* src, u16* drow, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    if pix_t is u16:
        memcpy(drow, src, n * sizeof(u16))
    else:
        for i in range(n):
            drow[i] = <u16>(src[i] * 257)


cdef void place_rows(const pix_t* src, u16* dst, Py_ssize_t stride, Py_ssize_t cx0, Py_ssize_t ry0,
                     Py_ssize_t nrows, Py_ssize_t ncols, const Taps* cols, const Taps* rows,
                     float opacity, bint identity, int threads, float* acc, const RRect* rr,
                     int nrr) noexcept nogil:
    """Every row of the placement; `acc`: `threads` scratch rows of ncols * 3 floats; `rr`: `nrr`
    rounded clips; `identity`: a 1:1 placement, whose rows clear of the rounded corners are copied."""
    cdef Py_ssize_t i
    cdef float scale = 257.0 if pix_t is u8 else 1.0
    cdef bint bilinear = cols.width == 2 and rows.width == 2  # both axes magnify: two taps each
    if threads > 1:
        for i in prange(nrows, num_threads=threads, schedule="static"):
            if identity and plain_row(rr, nrr, ry0 + i, cx0, cx0 + ncols):
                copy_row(src + rows.src[i * rows.width] + cols.src[0], dst + (ry0 + i) * stride + cx0 * 3, ncols * 3)
            elif bilinear:
                place_row_bilinear(src, dst + (ry0 + i) * stride + cx0 * 3, ncols, cols, rows, i, opacity, scale,
                                   rr, nrr, cx0, ry0)
            else:
                place_row(src, dst + (ry0 + i) * stride + cx0 * 3, ncols, cols, rows, i, opacity, scale,
                          acc + threadid() * ncols * 3, rr, nrr, cx0, ry0)
    else:
        for i in range(nrows):
            if identity and plain_row(rr, nrr, ry0 + i, cx0, cx0 + ncols):
                copy_row(src + rows.src[i * rows.width] + cols.src[0], dst + (ry0 + i) * stride + cx0 * 3, ncols * 3)
            elif bilinear:
                place_row_bilinear(src, dst + (ry0 + i) * stride + cx0 * 3, ncols, cols, rows, i, opacity, scale,
                                   rr, nrr, cx0, ry0)
            else:
                place_row(src, dst + (ry0 + i) * stride + cx0 * 3, ncols, cols, rows, i, opacity, scale, acc,
                          rr, nrr, cx0, ry0)


def place(object dst, object src, object rect, object clip, double opacity=1.0, int threads=0,
          object rounded=None):
    """Draw `src` (uint8 or uint16 RGB, shape (h, w, 3)) into `dst` (rgb48le, (H, W, 3)) at
    `rect` (x0, y0, x1, y1 in dst pixels, fractional allowed), showing only what lies inside
    `clip` (same form) and inside every rounded rectangle of `rounded` (each (x0, y0, x1, y1,
    rx_tl, ry_tl, rx_tr, ry_tr, rx_br, ry_br, rx_bl, ry_bl): CSS border-radius corners, elliptical
    allowed, in dst pixels), at `opacity` in [0, 1]. uint8 values are widened by 257. Each
    covered pixel becomes round(dst + (sample - dst) * coverage * opacity), the coverage being the
    least of the fraction of its area inside rect and clip and that inside each rounded rectangle
    (anti-aliased curves: `SUB` sub-scanlines, exact across each); the sample is bilinear at the
    pixel centre, clamped to the source's edge (a box filter along a minified axis). Rounded
    rectangles whose radii are all 0 change nothing. `threads`: 0 uses every usable CPU."""
    _frame(dst)
    if not isinstance(src, np.ndarray) or src.dtype not in (np.uint8, np.uint16) or src.ndim != 3 \
            or src.shape[2] != 3 or src.shape[0] < 1 or src.shape[1] < 1:
        raise ValueError(f"src must be a uint8 or uint16 array of shape (h, w, 3), got "
                         f"{getattr(src, 'dtype', type(src).__name__)} {getattr(src, 'shape', '')}")
    if not src.flags.c_contiguous:
        raise ValueError("src must be C-contiguous")
    x0, y0, x1, y1 = _box(rect, "rect")
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"rect must have x1 > x0 and y1 > y0, got {rect!r}")
    cx0_, cy0_, cx1_, cy1_ = _box(clip, "clip")
    rounds = _rounded(rounded)
    if not (0.0 <= opacity <= 1.0):
        raise ValueError(f"opacity must be in [0, 1], got {opacity!r}")
    cdef int nthreads = _threads(threads)
    cdef Py_ssize_t H = dst.shape[0], W = dst.shape[1], h = src.shape[0], w = src.shape[1]
    cdef double lx = max(x0, cx0_, 0.0), hx = min(x1, cx1_, <double>W)
    cdef double ly = max(y0, cy0_, 0.0), hy = min(y1, cy1_, <double>H)
    if hx <= lx or hy <= ly or opacity == 0.0:
        return
    cdef Py_ssize_t cx0 = <Py_ssize_t>floor(lx), cx1 = <Py_ssize_t>ceil(hx)
    cdef Py_ssize_t ry0 = <Py_ssize_t>floor(ly), ry1 = <Py_ssize_t>ceil(hy)
    cdef Py_ssize_t ncols = cx1 - cx0, nrows = ry1 - ry0
    cdef int nrr = len(rounds), q, c
    # a 1:1 placement copies the source (rows clear of rounded corners)
    cdef bint identity = (opacity == 1.0 and x1 - x0 == w and y1 - y0 == h and x0 == floor(x0)
                          and y0 == floor(y0) and lx == cx0 and hx == cx1 and ly == ry0 and hy == ry1)
    cdef Taps cols
    cdef Taps rows
    cols.count = NULL
    cols.src = NULL
    cols.weight = NULL
    cols.cover = NULL
    rows.count = NULL
    rows.src = NULL
    rows.weight = NULL
    rows.cover = NULL
    cdef float* acc = NULL
    cdef RRect* rr = NULL
    cdef const u8[:, :, ::1] s8
    cdef const u16[:, :, ::1] s16
    cdef u16[:, :, ::1] d = dst
    try:
        axis_taps(cx0, ncols, x0, w / (x1 - x0), w, lx, hx, 3, &cols)
        axis_taps(ry0, nrows, y0, h / (y1 - y0), h, ly, hy, w * 3, &rows)
        acc = <float*>malloc(nthreads * ncols * 3 * sizeof(float))
        rr = <RRect*>malloc((nrr if nrr else 1) * sizeof(RRect))
        if not acc or not rr:
            raise MemoryError()
        for q in range(nrr):
            rr[q].x0, rr[q].y0, rr[q].x1, rr[q].y1 = rounds[q][:4]
            for c in range(4):
                rr[q].rx[c] = rounds[q][4 + 2 * c]
                rr[q].ry[c] = rounds[q][5 + 2 * c]
        if src.dtype == np.uint8:
            s8 = src
            with nogil:
                place_rows(&s8[0, 0, 0], &d[0, 0, 0], W * 3, cx0, ry0, nrows, ncols, &cols, &rows,
                           <float>opacity, identity, nthreads, acc, rr, nrr)
        else:
            s16 = src
            with nogil:
                place_rows(&s16[0, 0, 0], &d[0, 0, 0], W * 3, cx0, ry0, nrows, ncols, &cols, &rows,
                           <float>opacity, identity, nthreads, acc, rr, nrr)
    finally:
        free_taps(&cols)
        free_taps(&rows)
        free(acc)
        free(rr)


cdef void over_row(const u8* o, u16* d, Py_ssize_t w) noexcept nogil:
    cdef Py_ssize_t x, c
    cdef unsigned int a, keep
    for x in range(w):
        a = o[x * 4 + 3]
        if a == 0:
            continue
        if a == 255:
            d[x * 3] = <u16>(o[x * 4] * 257)
            d[x * 3 + 1] = <u16>(o[x * 4 + 1] * 257)
            d[x * 3 + 2] = <u16>(o[x * 4 + 2] * 257)
            continue
        keep = 255 - a
        for c in range(3):
            d[x * 3 + c] = <u16>((o[x * 4 + c] * a * 257 + 127) // 255 + (d[x * 3 + c] * keep + 127) // 255)


def over(object dst, object overlay, int threads=0):
    """Draw `overlay` (straight-alpha RGBA8, shape (H, W, 4)) over `dst` (rgb48le, (H, W, 3)):
    dst = (c * a * 257 + 127) // 255 + (dst * (255 - a) + 127) // 255 per channel, exactly;
    transparent pixels are left untouched. `threads`: 0 uses every usable CPU."""
    _frame(dst)
    if not isinstance(overlay, np.ndarray) or overlay.dtype != np.uint8 or overlay.ndim != 3 \
            or overlay.shape[2] != 4:
        raise ValueError(f"overlay must be a uint8 RGBA array of shape (height, width, 4), got "
                         f"{getattr(overlay, 'dtype', type(overlay).__name__)} {getattr(overlay, 'shape', '')}")
    if overlay.shape[0] != dst.shape[0] or overlay.shape[1] != dst.shape[1]:
        raise ValueError(f"overlay is {overlay.shape[1]}x{overlay.shape[0]}; dst is "
                         f"{dst.shape[1]}x{dst.shape[0]}")
    if not overlay.flags.c_contiguous:
        raise ValueError("overlay must be C-contiguous")
    cdef int nthreads = _threads(threads)
    cdef const u8[:, :, ::1] o = overlay
    cdef u16[:, :, ::1] d = dst
    cdef Py_ssize_t y, H = d.shape[0], W = d.shape[1]
    if H == 0 or W == 0:
        return
    with nogil:
        if nthreads > 1:
            for y in prange(H, num_threads=nthreads, schedule="static"):
                over_row(&o[y, 0, 0], &d[y, 0, 0], W)
        else:
            for y in range(H):
                over_row(&o[y, 0, 0], &d[y, 0, 0], W)


cdef void over_deep_row(const u16* c, const u8* a8, u16* d, Py_ssize_t w) noexcept nogil:
    cdef Py_ssize_t x, k
    cdef unsigned long long a, keep
    for x in range(w):
        a = a8[x]
        if a == 0:
            continue
        if a == 255:
            d[x * 3] = c[x * 3]
            d[x * 3 + 1] = c[x * 3 + 1]
            d[x * 3 + 2] = c[x * 3 + 2]
            continue
        keep = 255 - a
        for k in range(3):
            d[x * 3 + k] = <u16>((c[x * 3 + k] * a + 127) // 255 + (d[x * 3 + k] * keep + 127) // 255)


def over_deep(object dst, object colour, object alpha, int threads=0):
    """Draw a 16-bit overlay over `dst` (rgb48le, (H, W, 3)): `colour` (straight, uint16 (H, W, 3))
    with coverage `alpha` (uint8 (H, W)): dst = (c * a + 127) // 255 + (dst * (255 - a) + 127) // 255
    per channel; transparent pixels are left untouched (an HDR render's page over its native
    layer, in the output's signal). `threads`: 0 uses every usable CPU."""
    _frame(dst)
    if not isinstance(colour, np.ndarray) or colour.dtype != np.uint16 or colour.ndim != 3 \
            or colour.shape[2] != 3 or not colour.flags.c_contiguous:
        raise ValueError(f"colour must be a C-contiguous uint16 RGB array of shape (height, width, 3), got "
                         f"{getattr(colour, 'dtype', type(colour).__name__)} {getattr(colour, 'shape', '')}")
    if not isinstance(alpha, np.ndarray) or alpha.dtype != np.uint8 or alpha.ndim != 2 \
            or not alpha.flags.c_contiguous:
        raise ValueError(f"alpha must be a C-contiguous uint8 array of shape (height, width), got "
                         f"{getattr(alpha, 'dtype', type(alpha).__name__)} {getattr(alpha, 'shape', '')}")
    if colour.shape[:2] != dst.shape[:2] or alpha.shape[:2] != dst.shape[:2]:
        raise ValueError(f"colour is {colour.shape[1]}x{colour.shape[0]} and alpha {alpha.shape[1]}x"
                         f"{alpha.shape[0]}; dst is {dst.shape[1]}x{dst.shape[0]}")
    cdef int nthreads = _threads(threads)
    cdef const u16[:, :, ::1] c = colour
    cdef const u8[:, ::1] a = alpha
    cdef u16[:, :, ::1] d = dst
    cdef Py_ssize_t y, H = d.shape[0], W = d.shape[1]
    if H == 0 or W == 0:
        return
    with nogil:
        if nthreads > 1:
            for y in prange(H, num_threads=nthreads, schedule="static"):
                over_deep_row(&c[y, 0, 0], &a[y, 0], &d[y, 0, 0], W)
        else:
            for y in range(H):
                over_deep_row(&c[y, 0, 0], &a[y, 0], &d[y, 0, 0], W)
