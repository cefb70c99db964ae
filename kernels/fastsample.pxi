# Faster bilinear sampling for kernels whose sample row is fixed for a whole output row (scales,
# horizontal pushes, zoom blurs): the row part of common.pxi's sample() is done once per row and
# only the column part per pixel. Same arithmetic as sample(), so the GLSL parity is unchanged.
# Included after common.pxi by the modules that use it.

cdef inline int ifloor(float v) noexcept nogil:
    """floor() for finite v within int range, without a libm call (portable builds lack roundss)."""
    cdef int i = <int>v
    return i - 1 if <float>i > v else i


cdef inline float snapf(float f) noexcept nogil:
    """A bilinear weight within 1e-4 of 0 taken as 0 (one row/column read, exact texels)."""
    return 0.0 if f < 1e-4 else f


cdef struct RowS:
    const u16* r0
    const u16* r1
    float fy
    int w


cdef inline void rows_at(RowS* s, const Img* im, float v) noexcept nogil:
    """Prepare sampling `im` along the row at uv height `v` (bilinear, clamp-to-edge)."""
    cdef float py = (1.0 - v) * im.h - 0.5
    cdef int y0, y1
    cdef float fy
    if not (py == py):
        py = 0.0
    py = clampf(py, -1.0, <float>im.h)
    y0 = ifloor(py)
    fy = py - y0
    if fy > 0.9999:
        y0 = y0 + 1
        fy = 0.0
    fy = snapf(fy)
    y1 = y0 + 1
    y0 = 0 if y0 < 0 else (im.h - 1 if y0 > im.h - 1 else y0)
    y1 = 0 if y1 < 0 else (im.h - 1 if y1 > im.h - 1 else y1)
    s.r0 = im.data + <Py_ssize_t>y0 * im.w * 3
    s.r1 = im.data + <Py_ssize_t>y1 * im.w * 3
    s.fy = fy
    s.w = im.w


cdef inline Rgb rows_lerp(const RowS* s, int x0, int x1, float fx) noexcept nogil:
    cdef const u16* a = s.r0 + x0 * 3
    cdef const u16* b = s.r0 + x1 * 3
    cdef float tr, tg, tb, br, bg, bb
    if fx == 0.0:
        tr = a[0]
        tg = a[1]
        tb = a[2]
    else:
        tr = a[0] + (b[0] - <float>a[0]) * fx
        tg = a[1] + (b[1] - <float>a[1]) * fx
        tb = a[2] + (b[2] - <float>a[2]) * fx
    if s.fy != 0.0:
        a = s.r1 + x0 * 3
        b = s.r1 + x1 * 3
        br = a[0] + (b[0] - <float>a[0]) * fx
        bg = a[1] + (b[1] - <float>a[1]) * fx
        bb = a[2] + (b[2] - <float>a[2]) * fx
        tr = tr + (br - tr) * s.fy
        tg = tg + (bg - tg) * s.fy
        tb = tb + (bb - tb) * s.fy
    return rgb(tr * INV65535, tg * INV65535, tb * INV65535)


cdef inline Rgb rows_sample(const RowS* s, float u) noexcept nogil:
    """The prepared row sampled at uv abscissa `u`: sample(im, u, v)."""
    cdef float px = u * s.w - 0.5
    cdef int x0, x1
    cdef float fx
    if not (px == px):
        px = 0.0
    px = clampf(px, -1.0, <float>s.w)
    x0 = ifloor(px)
    fx = px - x0
    x1 = x0 + 1
    x0 = 0 if x0 < 0 else (s.w - 1 if x0 > s.w - 1 else x0)
    x1 = 0 if x1 < 0 else (s.w - 1 if x1 > s.w - 1 else x1)
    return rows_lerp(s, x0, x1, fx)


cdef struct ShiftS:
    # the prepared row read at pixel x + dx: dx = ix + fx, the same for every pixel of the row
    RowS rows
    int ix
    float fx


cdef inline void shift_at(ShiftS* s, const Img* im, float v, float du) noexcept nogil:
    """Prepare sample(im, u + du, v) for every pixel centre u of the row at height `v`."""
    rows_at(&s.rows, im, v)
    cdef float d = du * im.w
    d = clampf(d, -4.0 * im.w, 4.0 * im.w)
    s.ix = ifloor(d)
    s.fx = d - s.ix
    if s.fx > 0.9999:
        s.ix = s.ix + 1
        s.fx = 0.0
    s.fx = snapf(s.fx)


cdef inline Rgb shift_sample(const ShiftS* s, int x) noexcept nogil:
    cdef int x0 = x + s.ix
    cdef int x1 = x0 + 1
    cdef int last = s.rows.w - 1
    x0 = 0 if x0 < 0 else (last if x0 > last else x0)
    x1 = 0 if x1 < 0 else (last if x1 > last else x1)
    return rows_lerp(&s.rows, x0, x1, s.fx)


cdef struct Tap:
    # one bilinear sample position: the four texel offsets (in u16 elements) and the weights;
    # frames of one blend share their size, so a Tap reads the old and the new scene alike
    Py_ssize_t i00
    Py_ssize_t i10
    Py_ssize_t i01
    Py_ssize_t i11
    float fx
    float fy


cdef inline void tap_at(Tap* t, const Img* im, float u, float v) noexcept nogil:
    """The position sample(im, u, v) reads: bilinear, clamp-to-edge, float arithmetic."""
    cdef float half = 0.5
    cdef float one = 1.0
    cdef float px = u * <float>im.w - half
    cdef float py = (one - v) * <float>im.h - half
    cdef int x0, y0, x1, y1
    if not (px == px):
        px = 0.0
    if not (py == py):
        py = 0.0
    px = clampf(px, -1.0, <float>im.w)
    py = clampf(py, -1.0, <float>im.h)
    x0 = ifloor(px)
    y0 = ifloor(py)
    t.fx = px - <float>x0
    t.fy = py - <float>y0
    x1 = x0 + 1
    y1 = y0 + 1
    x0 = 0 if x0 < 0 else (im.w - 1 if x0 > im.w - 1 else x0)
    x1 = 0 if x1 < 0 else (im.w - 1 if x1 > im.w - 1 else x1)
    y0 = 0 if y0 < 0 else (im.h - 1 if y0 > im.h - 1 else y0)
    y1 = 0 if y1 < 0 else (im.h - 1 if y1 > im.h - 1 else y1)
    cdef Py_ssize_t r0 = <Py_ssize_t>y0 * im.w
    cdef Py_ssize_t r1 = <Py_ssize_t>y1 * im.w
    t.i00 = (r0 + x0) * 3
    t.i10 = (r0 + x1) * 3
    t.i01 = (r1 + x0) * 3
    t.i11 = (r1 + x1) * 3


cdef inline float tap_ch(const Img* im, const Tap* t, int ch) noexcept nogil:
    cdef const u16* d = im.data + ch
    cdef float a = d[t.i00]
    cdef float b = d[t.i10]
    cdef float c0 = d[t.i01]
    cdef float e = d[t.i11]
    cdef float top = a + (b - a) * t.fx
    cdef float bot = c0 + (e - c0) * t.fx
    return (top + (bot - top) * t.fy) * INV65535


cdef inline Rgb tap_rgb(const Img* im, const Tap* t) noexcept nogil:
    return rgb(tap_ch(im, t, 0), tap_ch(im, t, 1), tap_ch(im, t, 2))


cdef inline Rgb tap_blend(const Ctx* c, float u, float v, float m) noexcept nogil:
    """mix(getFromColor(uv), getToColor(uv), m), reading only what the weight needs."""
    cdef Tap t
    tap_at(&t, &c.frm, u, v)
    if m <= 0.0:
        return tap_rgb(&c.frm, &t)
    if m >= 1.0:
        return tap_rgb(&c.to, &t)
    return mix3(tap_rgb(&c.frm, &t), tap_rgb(&c.to, &t), m)


cdef inline void fsincos(float x, float* s, float* c) noexcept nogil:
    """sinf and cosf to about 1e-7 for |x| up to a few thousand: quadrant reduction + Taylor."""
    cdef float two_over_pi = 0.636619772
    cdef float p1 = 1.5703125
    cdef float p2 = 4.83751297e-4
    cdef float p3 = 7.54978995e-8
    cdef float half = 0.5
    cdef int q = ifloor(x * two_over_pi + half)
    cdef float fq = <float>q
    cdef float r = ((x - fq * p1) - fq * p2) - fq * p3
    cdef float r2 = r * r
    cdef float sn = r + r * r2 * (<float>-0.166666667 + r2 * (<float>0.00833333333 + r2 * <float>-0.000198412698))
    cdef float cs = <float>1.0 + r2 * (<float>-0.5 + r2 * (<float>0.0416666667 + r2 * (<float>-0.00138888889 + r2 * <float>0.0000248015873)))
    cdef float t
    if q & 1:
        t = sn
        sn = cs
        cs = -t
    if q & 2:
        sn = -sn
        cs = -cs
    s[0] = sn
    c[0] = cs


cdef inline void fsincos_bf(float x, float* s, float* c) noexcept nogil:
    """fsincos() without branches, so that loops calling it can be vectorised."""
    cdef float two_over_pi = 0.636619772
    cdef float half = 0.5
    cdef float one = 1.0
    cdef float y = x * two_over_pi + half
    cdef int q = <int>y
    q = q - (1 if <float>q > y else 0)
    cdef float fq = <float>q
    cdef float r = ((x - fq * <float>1.5703125) - fq * <float>4.83751297e-4) - fq * <float>7.54978995e-8
    cdef float r2 = r * r
    cdef float sn = r + r * r2 * (<float>-0.166666667 + r2 * (<float>0.00833333333 + r2 * <float>-0.000198412698))
    cdef float cs = one + r2 * (<float>-0.5 + r2 * (<float>0.0416666667 + r2 * (<float>-0.00138888889 + r2 * <float>0.0000248015873)))
    cdef float sw = <float>(q & 1)
    cdef float sg = one - <float>(q & 2)
    s[0] = (sn + (cs - sn) * sw) * sg
    c[0] = (cs - (cs + sn) * sw) * sg
