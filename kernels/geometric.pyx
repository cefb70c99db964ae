# cython: language_level=3
"""CPU kernels of the geometric built-ins (shaders/transitions/<name>.glsl), one row at a time.

Each kernel is a line-by-line port of its GLSL file; parameters arrive in `c.p` in the order
the GLSL declares them. Samples at the pixel's own position use `texel` (exact, no filtering).
"""

include "common.pxi"
include "fastsample.pxi"

from libc.math cimport expf


cdef inline float signf(float v) noexcept nogil:
    return 1.0 if v > 0.0 else (-1.0 if v < 0.0 else 0.0)


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


cdef struct Push:
    # the slide composite (slide, whip-pan): unit axis offsets and one pixel in uv
    float ox
    float oy
    float pxw
    float pxh
    float fw
    float fh


cdef struct PushRow:
    # one output row of the push at shift s: the old scene and the new one (untiled, tiled in x)
    ShiftS frm
    ShiftS to0
    ShiftS to1
    float covy
    float s


cdef inline void push_init(const Ctx* c, Push* k, float dx, float dy) noexcept nogil:
    k.ox = signf(dx)
    k.oy = signf(dy)
    k.pxw = 1.0 / c.w
    k.pxh = 1.0 / c.h
    k.fw = <float>c.w
    k.fh = <float>c.h


cdef inline void push_row(const Ctx* c, const Push* k, PushRow* r, float v, float s) noexcept nogil:
    cdef float qy = v - s * k.oy
    cdef float ty = v + k.oy * (stepf(1.0 - k.pxh, 0.5 - k.oy * (qy - 0.5)) - s)
    r.covy = clampf(qy / k.pxh + 0.5, 0.0, 1.0) * clampf((1.0 - qy) / k.pxh + 0.5, 0.0, 1.0)
    r.s = s
    shift_at(&r.frm, &c.frm, qy, -s * k.ox)
    shift_at(&r.to0, &c.to, ty, -s * k.ox)
    shift_at(&r.to1, &c.to, ty, k.ox * (1.0 - s))


cdef inline Rgb push_scene(const Push* k, const PushRow* r, int x, float u) noexcept nogil:
    """The old scene pushed by s along (ox, oy), the new one a frame behind it; 1 px seam."""
    cdef float qx = u - r.s * k.ox
    cdef float cov = r.covy * clampf(qx / k.pxw + 0.5, 0.0, 1.0) * clampf((1.0 - qx) / k.pxw + 0.5, 0.0, 1.0)
    if cov >= 1.0:
        return shift_sample(&r.frm, x)
    cdef const ShiftS* t = &r.to1 if 0.5 - k.ox * (qx - 0.5) >= 1.0 - k.pxw else &r.to0
    if cov <= 0.0:
        return shift_sample(t, x)
    return mix3(shift_sample(t, x), shift_sample(&r.frm, x), cov)


cdef void k_slide(const Ctx* c, int y) noexcept nogil:
    cdef Push k
    cdef PushRow r
    push_init(c, &k, c.p[0], c.p[1])
    push_row(c, &k, &r, uv_v(c, y), c.progress)
    cdef int x
    for x in range(c.w):
        put(c, x, y, push_scene(&k, &r, x, uv_u(c, x)))


cdef inline Rgb push_px(const Ctx* c, const Push* k, const RowS* rf, const RowS* rt, float u, float v,
                        float s) noexcept nogil:
    """push_scene() for a shift of this pixel alone; rf/rt: the rows to read when oy == 0."""
    cdef float qx = u - s * k.ox
    cdef float qy = v - s * k.oy
    cdef float half = 0.5
    cdef float one = 1.0
    cdef float cov = (clampf(qx * k.fw + half, 0.0, 1.0) * clampf((one - qx) * k.fw + half, 0.0, 1.0)
                      * clampf(qy * k.fh + half, 0.0, 1.0) * clampf((one - qy) * k.fh + half, 0.0, 1.0))
    cdef float tx, ty
    cdef Rgb f
    if cov > 0.0:
        f = rows_sample(rf, qx) if k.oy == 0.0 else sample(&c.frm, qx, qy)
        if cov >= 1.0:
            return f
    tx = u + k.ox * (stepf(one - k.pxw, half - k.ox * (qx - half)) - s)
    ty = v + k.oy * (stepf(one - k.pxh, half - k.oy * (qy - half)) - s)
    cdef Rgb t = rows_sample(rt, tx) if k.oy == 0.0 else sample(&c.to, tx, ty)
    if cov <= 0.0:
        return t
    return mix3(t, f, cov)


cdef void k_whip_pan(const Ctx* c, int y) noexcept nogil:
    cdef Push k
    push_init(c, &k, c.p[0], c.p[1])
    cdef float p = c.progress
    cdef float q = 1.0 - p
    cdef float pos = 4.0 * p * p * p if p < 0.5 else 1.0 - 4.0 * q * q * q
    cdef float vel = 4.0 * p * p if p < 0.5 else 4.0 * q * q
    cdef float ln = maxf(c.p[2], 0.0) * vel
    cdef int n = <int>c.p[3]
    n = 1 if n < 1 else (64 if n > 64 else n)
    cdef float v = uv_v(c, y)
    cdef float half = 0.5
    cdef float one = 1.0
    cdef float inv = one / <float>n
    cdef float f, u, w, j, wsum
    cdef PushRow row
    cdef RowS rf, rt
    cdef Rgb acc
    cdef int x, i
    if ln <= 0.0 or n < 2:
        push_row(c, &k, &row, v, pos)
        for x in range(c.w):
            put(c, x, y, push_scene(&k, &row, x, uv_u(c, x)))
        return
    rows_at(&rf, &c.frm, v)
    rows_at(&rt, &c.to, v)
    for x in range(c.w):
        u = uv_u(c, x)
        # stratified taps, as the GLSL: the comb shifted by a hashed fraction of a tap spacing
        j = hash12(x, c.h - 1 - y, 7) - half
        acc = rgb(0.0, 0.0, 0.0)
        wsum = 0.0
        for i in range(n):
            f = (<float>i + half + j) * inv - half
            w = one - fabsf(f)
            acc = add3(acc, scale3(push_px(c, &k, &rf, &rt, u, v, pos + f * ln), w))
            wsum = wsum + w
        put(c, x, y, scale3(acc, one / wsum))


cdef void k_zoom(const Ctx* c, int y) noexcept nogil:
    cdef float k = clampf(c.p[0], 0.0, 0.999)
    cdef float a = smoothstep(0.0, 1.0, c.progress)
    cdef float z = 1.0 - k * a * a
    cdef float m = smoothstep(0.45, 1.0, c.progress)
    cdef RowS r
    rows_at(&r, &c.frm, 0.5 + (uv_v(c, y) - 0.5) * z)
    cdef int x
    for x in range(c.w):
        if m >= 1.0:
            put(c, x, y, texel(&c.to, x, y))
        else:
            put(c, x, y, mix3(rows_sample(&r, 0.5 + (uv_u(c, x) - 0.5) * z), texel(&c.to, x, y), m))


cdef inline float iris_rmax(float cx, float cy, float ratio) noexcept nogil:
    return length2(maxf(fabsf(cx), fabsf(1.0 - cx)) * ratio, maxf(fabsf(cy), fabsf(1.0 - cy)))


cdef void k_circle_open(const Ctx* c, int y) noexcept nogil:
    cdef float cx = c.p[0]
    cdef float cy = c.p[1]
    cdef float s = maxf(c.p[2], 1e-5)
    cdef float r = c.progress * (iris_rmax(cx, cy, c.ratio) + s)
    cdef float dy = uv_v(c, y) - cy
    cdef float m
    cdef int x
    for x in range(c.w):
        m = 1.0 - smoothstep(r - s, r, length2((uv_u(c, x) - cx) * c.ratio, dy))
        put(c, x, y, mix3(texel(&c.frm, x, y), texel(&c.to, x, y), m))


cdef void k_sdf_iris(const Ctx* c, int y) noexcept nogil:
    cdef float cx = c.p[0]
    cdef float cy = c.p[1]
    cdef float s = maxf(c.p[2], 1e-5)
    cdef Rgb glow_color = param3(c.p, 3)
    cdef float strength = maxf(c.p[6], 0.0)
    cdef float rings_n = c.p[7]
    cdef float w = maxf(c.p[8], 1e-4)
    cdef float p = c.progress
    cdef float r = p * (iris_rmax(cx, cy, c.ratio) + s)
    cdef float env = smoothstep(0.0, 0.15, p) * smoothstep(0.0, 0.15, 1.0 - p) * strength
    cdef float dy = uv_v(c, y) - cy
    cdef float sdf, m, rim, xr, rings, glow
    cdef Rgb col
    cdef int x
    for x in range(c.w):
        sdf = length2((uv_u(c, x) - cx) * c.ratio, dy) - r
        m = 1.0 - smoothstep(-s, 0.0, sdf)
        col = mix3(texel(&c.frm, x, y), texel(&c.to, x, y), m)
        # beyond 1.66 w the rim is under 1e-6 and the rings are zero: skip the glow there
        if env > 0.0 and fabsf(sdf) < 1.66 * w:
            rim = expf(-fabsf(sdf) / (0.12 * w))
            xr = clampf(-sdf / w, 0.0, 1.0)
            rings = (0.5 + 0.5 * cosf(6.2831853 * (rings_n * xr - 2.0 * p))) * (1.0 - xr) * (1.0 - xr)
            glow = env * (rim + 0.6 * rings * m)
            col = add3(col, scale3(glow_color, glow))
        put(c, x, y, col)


cdef void k_flash_through_white(const Ctx* c, int y) noexcept nogil:
    cdef Rgb flash = param3(c.p, 0)
    cdef float h = maxf(0.5 - 0.5 * clampf(c.p[3], 0.0, 1.0), 1e-4)
    cdef float p = c.progress
    cdef float a = minf(smoothstep(0.0, h, p), smoothstep(0.0, h, 1.0 - p))
    cdef const Img* im = &c.frm if p < 0.5 else &c.to
    cdef Rgb add = scale3(flash, a)
    cdef float aa = a * a
    cdef int x
    for x in range(c.w):
        put(c, x, y, mix3(add3(texel(im, x, y), add), flash, aa))


#: The module's one dispatch table: kernel name -> its row function, the number of float
#: parameters it reads from `params`.
TABLE = {
    "wipe": row_kernel(k_wipe, 3),
    "slide": row_kernel(k_slide, 2),
    "zoom": row_kernel(k_zoom, 1),
    "circle-open": row_kernel(k_circle_open, 3),
    "sdf-iris": row_kernel(k_sdf_iris, 9),
    "whip-pan": row_kernel(k_whip_pan, 4),
    "flash-through-white": row_kernel(k_flash_through_white, 4),
}
KERNELS = {name: k.nparams for name, k in TABLE.items()}
