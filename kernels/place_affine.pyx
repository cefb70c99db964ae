# cython: language_level=3
"""Affine placement of a native video layer (engine/capture/layers.py `compose`): a decoded frame
drawn into an rgb48le frame through a 2D affine map, for a video that is rotated, skewed or scaled
with a rotation (by its own transform or an ancestor's).

`place_affine` inverse-maps each destination pixel's centre inside the placement's quad into the
video's local space (CSS px of its content box), samples the frame there (bilinear with
clamp-to-edge, a box filter along a minified axis, as composite.place does) and mixes it in by its
coverage: the area of the pixel inside the local rectangle (the picture's `rect` within `clip`),
measured analytically (each edge's signed distance in destination pixels through the box filter
of a pixel, the trapezoid of a unit square projected on the edge's normal), the least of that and
each rounded clip's coverage (elliptical corners by a first-order distance to the curve), times
the upright `bounds` (the viewport, upright clips) and the opacity. With the identity matrix it
draws what composite.place draws (rounded corners apart: place measures those on sub-scanlines).

Matching Chromium (the poster path; tests/test_video_layers_rotate.py): `edge_bias` gives the
straight edges Chromium's response instead of their area, and `mipmaps` samples a minified
picture as Skia does a transformed image (its nearest mipmap level, built by truncating 2x2
sums, then bilinear): 52-62 dB against the poster path where the area and the box filter gave
38-48.
"""

import math
import os

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport floor, ceil, sqrt, fabs
from libc.stdlib cimport malloc, free

ctypedef unsigned short u16
ctypedef unsigned char u8

ctypedef fused pix_t:
    u8
    u16


include "rounded.pxi"


#: the `edge_bias` that matches Chromium's straight edges of a video's frame (measured on the
#: poster path: a pixel half covered shows 0.30, one covered 0.35 shows 0.15; the same on an
#: upright fractional edge, tests/test_video_layers_pixels.py `test_fractional_translation`)
CHROMIUM_EDGE_BIAS = 0.1


cdef struct Affine:
    # local (u, v) = (A * x + C * y + E, B * x + D * y + F) for destination point (x, y); `gu`,
    # `gv`: the length of u's and v's gradient in destination pixels; `nu`, `nv`: the trapezoid of
    # a pixel projected on each one's normal (the larger and smaller |component| of the unit normal)
    double A, B, C, D, E, F
    double gu, gv
    double ua, ub, va, vb
    double bias  # the straight edges' `response`


cdef inline double edge(double d, double a, double b) noexcept nogil:
    """The area of a unit pixel on the inner side of a straight edge whose signed distance from the
    pixel's centre is `d` destination pixels (> 0 inside), the edge's unit normal having components
    of sizes `a` >= `b`: the integral of the pixel's projection on the normal (a trapezoid)."""
    cdef double h = 0.5 * (a + b), k = 0.5 * (a - b)
    if d <= -h:
        return 0.0
    if d >= h:
        return 1.0
    if b < 1e-9:
        return (d + h) / a
    if d < -k:
        return (d + h) * (d + h) / (2.0 * a * b)
    if d <= k:
        return b / (2.0 * a) + (d + k) / a
    return 1.0 - (h - d) * (h - d) / (2.0 * a * b)


cdef inline double response(double e, double bias) noexcept nogil:
    """An edge's coverage `e` as Chromium's raster shows it with `bias` > 0: e * min(1, e + bias)."""
    if bias <= 0.0:
        return e
    return e * (e + bias if e + bias < 1.0 else 1.0)


cdef inline double slab(double t, double lo, double hi, double g, double a, double b, double bias) noexcept nogil:
    """Coverage of a pixel by the band lo <= t <= hi of one local axis (t: its centre's value, g:
    the axis' gradient length in destination pixels; `bias`: the edges' `response`)."""
    cdef double c = response(edge((t - lo) / g, a, b), bias) + response(edge((hi - t) / g, a, b), bias) - 1.0
    return c if c > 0.0 else 0.0


cdef inline void normal_of(double p, double q, double* a, double* b) noexcept nogil:
    """The sizes of the unit normal's components of gradient (p, q), larger first."""
    cdef double n = sqrt(p * p + q * q)
    cdef double x = fabs(p) / n if n > 0.0 else 1.0, y = fabs(q) / n if n > 0.0 else 0.0
    a[0] = x if x >= y else y
    b[0] = y if x >= y else x


cdef double rounded_affine(const RRect* q, const Affine* m, double u, double v) noexcept nogil:
    """Coverage of the pixel whose centre maps to local (u, v) by rounded rectangle `q` (local
    coordinates): its box's edges, and in a corner's quarter the ellipse, by the curve's signed
    distance to first order (its implicit function over its gradient in destination pixels)."""
    cdef double c = 1.0
    if not (q.x0 + m.gu <= u <= q.x1 - m.gu and q.y0 + m.gv <= v <= q.y1 - m.gv):  # else a pixel inside
        c = slab(u, q.x0, q.x1, m.gu, m.ua, m.ub, m.bias) * slab(v, q.y0, q.y1, m.gv, m.va, m.vb, m.bias)
    if c <= 0.0:
        return 0.0
    cdef int k
    cdef double rx, ry, cx, cy, dx, dy, r, gx, gy, px, py, n, a, b, e
    for k in range(4):
        rx = q.rx[k]
        ry = q.ry[k]
        if rx <= 0.0 or ry <= 0.0:
            continue
        cx = q.x0 + rx if k == 0 or k == 3 else q.x1 - rx
        cy = q.y0 + ry if k < 2 else q.y1 - ry
        dx = u - cx
        dy = v - cy
        if ((k == 0 or k == 3) and dx >= 0.0) or ((k == 1 or k == 2) and dx <= 0.0) \
                or (k < 2 and dy >= 0.0) or (k >= 2 and dy <= 0.0):
            continue
        r = sqrt((dx / rx) * (dx / rx) + (dy / ry) * (dy / ry))
        if r <= 0.0:
            continue
        # the gradient of r - 1 in local space, then in destination pixels (through the inverse map)
        gx = dx / (rx * rx * r)
        gy = dy / (ry * ry * r)
        px = m.A * gx + m.B * gy
        py = m.C * gx + m.D * gy
        n = sqrt(px * px + py * py)
        if n <= 0.0:
            continue
        normal_of(px, py, &a, &b)
        e = edge((1.0 - r) / n, a, b)
        if e < c:
            c = e
    return c


include "taps.pxi"


cdef struct Job:
    # what every row needs: the map, the picture's rect and the clip (local), the source's size,
    # source pixels per local unit and per destination pixel along each axis, the tap capacity
    Affine m
    double rx0, ry0, sx, sy, kx, ky
    double lx0, ly0, lx1, ly1
    double bx0, by0, bx1, by1  # the bounds (destination pixels: the viewport and upright clips)
    Py_ssize_t w, h, W, cap
    float opacity, scale
    int nrr


cdef void affine_row(const pix_t* src, u16* dst, Py_ssize_t y, const Job* job, const RRect* rr,
                     Py_ssize_t* tsrc, float* tw) noexcept nogil:
    """Destination row `y`: the pixels whose centres lie within a pixel of the local box, each
    sampled and mixed in by its coverage; `tsrc`, `tw`: this thread's scratch taps (2 * cap)."""
    cdef const Affine* m = &job.m
    cdef double yc = y + 0.5, lo = -1e300, hi = 1e300, t0, t1, base, slope, margin, u, v, cov, r
    cdef int axis, q
    cdef Py_ssize_t x, x0, x1, nx, ny, i, j, cap = job.cap
    cdef float alpha, wy, w, s0, s1, s2, a0, a1, a2
    cdef const pix_t* line
    cdef const pix_t* p00
    cdef const pix_t* p01
    cdef const pix_t* p10
    cdef const pix_t* p11
    cdef double sx, sy
    cdef float fx, fy, gx, gy
    cdef int k
    cdef Py_ssize_t off, o
    # the x range where u and v lie within a destination pixel of the box (solved per axis)
    for axis in range(2):
        slope = m.A if axis == 0 else m.B
        base = (m.C * yc + m.E) if axis == 0 else (m.D * yc + m.F)
        t0 = job.lx0 if axis == 0 else job.ly0
        t1 = job.lx1 if axis == 0 else job.ly1
        margin = m.gu if axis == 0 else m.gv
        t0 = t0 - margin
        t1 = t1 + margin
        if fabs(slope) < 1e-12:
            if base < t0 or base > t1:
                return
            continue
        u = (t0 - base) / slope - 0.5
        v = (t1 - base) / slope - 0.5
        if u > v:
            u, v = v, u
        if u > lo:
            lo = u
        if v < hi:
            hi = v
    cdef float rowb = coverage(job.by0, job.by1, y), bounded
    if rowb <= 0.0:
        return
    if lo < floor(job.bx0):
        lo = floor(job.bx0)
    if hi > ceil(job.bx1) - 1:
        hi = ceil(job.bx1) - 1
    if hi < lo:
        return
    x0 = <Py_ssize_t>floor(lo)
    x1 = <Py_ssize_t>ceil(hi)
    if x1 > job.W - 1:
        x1 = job.W - 1
    for x in range(x0, x1 + 1):
        u = m.A * (x + 0.5) + m.C * yc + m.E
        v = m.B * (x + 0.5) + m.D * yc + m.F
        if job.lx0 + m.gu <= u <= job.lx1 - m.gu and job.ly0 + m.gv <= v <= job.ly1 - m.gv:
            alpha = job.opacity  # a pixel or more inside the box
        else:
            cov = slab(u, job.lx0, job.lx1, m.gu, m.ua, m.ub, m.bias)
            if cov <= 0.0:
                continue
            alpha = <float>slab(v, job.ly0, job.ly1, m.gv, m.va, m.vb, m.bias) * job.opacity * <float>cov
        for q in range(job.nrr):
            if alpha <= 0.0:
                break
            r = rounded_affine(&rr[q], m, u, v) * job.opacity
            if r < alpha:
                alpha = <float>r
        bounded = rowb * coverage(job.bx0, job.bx1, x)
        if bounded < 1.0:
            alpha = alpha * bounded
        if alpha <= 0.0:
            continue
        o = (y * job.W + x) * 3
        if job.kx <= 1.0 and job.ky <= 1.0:  # bilinear both ways (a rotation at 1:1 or magnified)
            sx = (u - job.rx0) * job.sx - 0.5
            sy = (v - job.ry0) * job.sy - 0.5
            sx = 0.0 if sx < 0.0 else (<double>(job.w - 1) if sx > job.w - 1 else sx)
            sy = 0.0 if sy < 0.0 else (<double>(job.h - 1) if sy > job.h - 1 else sy)
            i = <Py_ssize_t>sx
            j = <Py_ssize_t>sy
            fx = <float>(sx - i)
            fy = <float>(sy - j)
            gx = <float>(1.0 - (sx - i))
            gy = <float>(1.0 - (sy - j))
            p00 = src + (j * job.w + i) * 3
            p01 = p00 + (3 if i + 1 < job.w else 0)
            p10 = p00 + (job.w * 3 if j + 1 < job.h else 0)
            p11 = p10 + (3 if i + 1 < job.w else 0)
            for k in range(3):
                s0 = p00[k] * gx
                s0 = s0 + p01[k] * fx
                s1 = p10[k] * gx
                s1 = s1 + p11[k] * fx
                a0 = 0.0
                a0 += gy * s0
                a0 += fy * s1
                dst[o + k] = mix(dst[o + k], a0 * job.scale, alpha)
            continue
        nx = axis_tap((u - job.rx0) * job.sx, job.kx, job.w, 3, cap, tsrc, tw)
        ny = axis_tap((v - job.ry0) * job.sy, job.ky, job.h, job.w * 3, cap, tsrc + cap, tw + cap)
        a0 = 0.0
        a1 = 0.0
        a2 = 0.0
        for j in range(ny):
            line = src + tsrc[cap + j]
            wy = tw[cap + j]
            s0 = 0.0
            s1 = 0.0
            s2 = 0.0
            for i in range(nx):
                off = tsrc[i]
                w = tw[i]
                s0 = s0 + line[off] * w
                s1 = s1 + line[off + 1] * w
                s2 = s2 + line[off + 2] * w
            a0 += wy * s0
            a1 += wy * s1
            a2 += wy * s2
        dst[o] = mix(dst[o], a0 * job.scale, alpha)
        dst[o + 1] = mix(dst[o + 1], a1 * job.scale, alpha)
        dst[o + 2] = mix(dst[o + 2], a2 * job.scale, alpha)


cdef void affine_rows(const pix_t* src, u16* dst, Py_ssize_t y0, Py_ssize_t y1, const Job* job,
                      const RRect* rr, int threads, Py_ssize_t* tsrc, float* tw) noexcept nogil:
    cdef Py_ssize_t y, n = 2 * job.cap
    if threads > 1:
        for y in prange(y0, y1, num_threads=threads, schedule="static"):
            affine_row(src, dst, y, job, rr, tsrc + threadid() * n, tw + threadid() * n)
    else:
        for y in range(y0, y1):
            affine_row(src, dst, y, job, rr, tsrc, tw)


def _numbers(object value, int count, str name, str form):
    try:
        out = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {count} numbers ({form}), got {value!r}") from None
    if len(out) != count or not all(math.isfinite(v) for v in out):
        raise ValueError(f"{name} must be {count} finite numbers ({form}), got {value!r}")
    return out


include "threads.pxi"


def _taps(object a, int axis):
    """The sums of pairs (or [1, 2, 1] triples, where the size is odd) of `a` along `axis`, as
    Skia's mipmap builder takes them, and their weight (2 or 4)."""
    n = a.shape[axis]
    if n < 2:
        return a, 1
    half = n // 2

    def take(start):
        index = [slice(None)] * a.ndim
        index[axis] = slice(start, start + 2 * half, 2)
        return a[tuple(index)]

    if n % 2 == 0:
        return take(0) + take(1), 2
    return take(0) + 2 * take(1) + take(2), 4


def mip_level(double scale):
    """The mipmap level Skia samples at `scale` destination pixels per source pixel (its nearest
    mipmap mode, with its -0.5 sharpening bias): round(max(0, log2(1 / scale) - 0.5)), halves
    rounded up with 1e-4 of slack (a CSS matrix has six digits: an exact 2:1 arrives as 0.50000009)."""
    if not (scale > 0.0) or scale >= 1.0:
        return 0
    return int(floor(max(0.0, -math.log2(scale) - 0.5) + 0.5 + 1e-4))


def mipmap(object src, int level):
    """`src` (h, w, 3) reduced to mipmap `level` as Skia builds one: each level halves both sides
    (at least 1 px), each pixel the integer sum of a 2x2 block (a [1, 2, 1] filter over three
    along an odd side) shifted right, truncating."""
    for _ in range(level):
        if src.shape[0] < 2 and src.shape[1] < 2:
            break
        rows, wy = _taps(src.astype(np.uint16 if src.dtype == np.uint8 else np.uint32), 0)
        both, wx = _taps(rows, 1)
        src = np.ascontiguousarray((both // (wx * wy)).astype(src.dtype))
    return src


def place_affine(object dst, object src, object matrix, object rect, object clip, double opacity=1.0,
                 int threads=0, object rounded=None, double edge_bias=0.0, object bounds=None,
                 bint mipmaps=False):
    """Draw `src` (uint8 or uint16 RGB, (h, w, 3)) into `dst` (rgb48le, (H, W, 3)) through
    `matrix` (a, b, c, d, e, f: local (x, y) lands at (a x + c y + e, b x + d y + f) in dst
    pixels, as CSS matrix() writes it): the picture fills `rect` (x0, y0, x1, y1, local), shown only
    inside `clip` (local box) and inside every rounded rectangle of `rounded` (local, each x0, y0,
    x1, y1 then rx, ry of each corner clockwise from the top left), at `opacity` in [0, 1]. Each
    pixel becomes round(dst + (sample - dst) * coverage * opacity): the sample bilinear at the
    pixel centre's local point (clamped to the source's edge; a box filter along an axis minified
    more than 1:1), the coverage analytic (see the module). `edge_bias` > 0: each straight edge's
    coverage e becomes e * min(1, e + edge_bias), as Chromium's raster draws a video's frame
    (`CHROMIUM_EDGE_BIAS`; its clip and picture edges meet there, so the area is counted about
    twice); 0 (the default): the exact area. `bounds` (x0, y0, x1, y1 in dst pixels, default the
    whole of dst): an upright box the drawing is also clipped to, each pixel covered by its area
    inside (the viewport and upright overflow clips of ancestors). `mipmaps`: sample as Chromium
    does a transformed picture: a minified source is reduced to the `mip_level` of its scale
    (`mipmap`), and every level sampled bilinearly (no box filter). uint8 is widened by 257. `threads`: 0 uses every
    usable CPU."""
    if not (0.0 <= edge_bias <= 1.0):
        raise ValueError(f"edge_bias must be in [0, 1], got {edge_bias!r}")
    if not isinstance(dst, np.ndarray) or dst.dtype != np.uint16 or dst.ndim != 3 or dst.shape[2] != 3:
        raise ValueError(f"dst must be a uint16 array of shape (height, width, 3) (rgb48le), got "
                         f"{getattr(dst, 'dtype', type(dst).__name__)} {getattr(dst, 'shape', '')}")
    if not dst.flags.c_contiguous or not dst.flags.writeable:
        raise ValueError("dst must be C-contiguous and writeable")
    if not isinstance(src, np.ndarray) or src.dtype not in (np.uint8, np.uint16) or src.ndim != 3 \
            or src.shape[2] != 3 or src.shape[0] < 1 or src.shape[1] < 1 or not src.flags.c_contiguous:
        raise ValueError(f"src must be a C-contiguous uint8 or uint16 array of shape (h, w, 3), got "
                         f"{getattr(src, 'dtype', type(src).__name__)} {getattr(src, 'shape', '')}")
    a, b, c, d, e, f = _numbers(matrix, 6, "matrix", "a, b, c, d, e, f")
    x0, y0, x1, y1 = _numbers(rect, 4, "rect", "x0, y0, x1, y1")
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"rect must have x1 > x0 and y1 > y0, got {rect!r}")
    cx0, cy0, cx1, cy1 = _numbers(clip, 4, "clip", "x0, y0, x1, y1")
    if not (0.0 <= opacity <= 1.0):
        raise ValueError(f"opacity must be in [0, 1], got {opacity!r}")
    det = a * d - b * c
    scale = max(abs(a), abs(b), abs(c), abs(d))
    if not (abs(det) > 1e-9 * scale * scale) or scale == 0.0:
        raise ValueError(f"matrix must be invertible (a d - b c != 0), got {matrix!r}")
    rounds = _rounded(rounded)
    if mipmaps:  # the least of the two axes' destination pixels per source pixel
        level = mip_level(min(math.hypot(a, b) * (x1 - x0) / src.shape[1], math.hypot(c, d) * (y1 - y0) / src.shape[0]))
        if level:
            src = mipmap(src, level)
    cdef Py_ssize_t H = dst.shape[0]
    bx0, by0, bx1, by1 = (0.0, 0.0, float(dst.shape[1]), float(H)) if bounds is None else \
        _numbers(bounds, 4, "bounds", "x0, y0, x1, y1")
    bx0, by0, bx1, by1 = max(bx0, 0.0), max(by0, 0.0), min(bx1, float(dst.shape[1])), min(by1, float(H))
    if not (bx1 > bx0 and by1 > by0):
        return
    lx0, ly0, lx1, ly1 = max(x0, cx0), max(y0, cy0), min(x1, cx1), min(y1, cy1)
    if not (lx1 > lx0 and ly1 > ly0) or opacity == 0.0:
        return
    cdef Job job
    job.m.A, job.m.C, job.m.E = d / det, -c / det, (c * f - d * e) / det
    job.m.B, job.m.D, job.m.F = -b / det, a / det, (b * e - a * f) / det
    job.m.bias = edge_bias
    job.m.gu = math.hypot(job.m.A, job.m.C)
    job.m.gv = math.hypot(job.m.B, job.m.D)
    normal_of(job.m.A, job.m.C, &job.m.ua, &job.m.ub)
    normal_of(job.m.B, job.m.D, &job.m.va, &job.m.vb)
    job.w, job.h, job.W = src.shape[1], src.shape[0], dst.shape[1]
    job.rx0, job.ry0 = x0, y0
    job.sx, job.sy = job.w / (x1 - x0), job.h / (y1 - y0)
    # source pixels per destination pixel along each source axis (rotation-free: a rotation alone
    # at 1:1 stays bilinear, as Skia samples it)
    job.kx, job.ky = job.sx * job.m.gu, job.sy * job.m.gv
    if mipmaps:
        job.kx, job.ky = min(job.kx, 1.0), min(job.ky, 1.0)
    job.cap = <Py_ssize_t>ceil(max(job.kx, job.ky, 1.0)) + 3
    job.lx0, job.ly0, job.lx1, job.ly1 = lx0, ly0, lx1, ly1
    job.opacity = <float>opacity
    job.scale = 257.0 if src.dtype == np.uint8 else 1.0
    job.nrr = len(rounds)
    # the rows the local box's quad reaches (its corners in dst, a pixel out)
    ys = [b * x + d * y + f for x, y in ((lx0, ly0), (lx1, ly0), (lx0, ly1), (lx1, ly1))]
    job.bx0, job.by0, job.bx1, job.by1 = bx0, by0, bx1, by1
    cdef Py_ssize_t r0 = max(<Py_ssize_t>floor(by0), <Py_ssize_t>floor(min(ys)) - 1)
    cdef Py_ssize_t r1 = min(<Py_ssize_t>ceil(by1), <Py_ssize_t>ceil(max(ys)) + 1)
    if r1 <= r0:
        return
    cdef int nthreads = _threads(threads), q, k
    cdef RRect* rr = <RRect*>malloc((job.nrr if job.nrr else 1) * sizeof(RRect))
    cdef Py_ssize_t* tsrc = <Py_ssize_t*>malloc(nthreads * 2 * job.cap * sizeof(Py_ssize_t))
    cdef float* tw = <float*>malloc(nthreads * 2 * job.cap * sizeof(float))
    cdef const u8[:, :, ::1] s8
    cdef const u16[:, :, ::1] s16
    cdef u16[:, :, ::1] out = dst
    try:
        if not rr or not tsrc or not tw:
            raise MemoryError()
        for q in range(job.nrr):
            rr[q].x0, rr[q].y0, rr[q].x1, rr[q].y1 = rounds[q][:4]
            for k in range(4):
                rr[q].rx[k] = rounds[q][4 + 2 * k]
                rr[q].ry[k] = rounds[q][5 + 2 * k]
        if src.dtype == np.uint8:
            s8 = src
            with nogil:
                affine_rows(&s8[0, 0, 0], &out[0, 0, 0], r0, r1, &job, rr, nthreads, tsrc, tw)
        else:
            s16 = src
            with nogil:
                affine_rows(&s16[0, 0, 0], &out[0, 0, 0], r0, r1, &job, rr, nthreads, tsrc, tw)
    finally:
        free(rr)
        free(tsrc)
        free(tw)
