# cython: language_level=3
"""CPU kernels of the geometric built-ins (shaders/transitions/<name>.glsl), one row at a time.

Each kernel is a line-by-line port of its GLSL file; parameters arrive in `c.p` in the order
the GLSL declares them. Samples at the pixel's own position use `texel` (exact, no filtering).
"""

include "common.pxi"

from libc.math cimport expf

#: kernel name -> number of float parameters it reads from `params`.
KERNELS = {
    "wipe": 3,
    "slide": 2,
    "zoom": 1,
    "circle-open": 3,
    "sdf-iris": 9,
    "whip-pan": 4,
    "flash-through-white": 4,
}


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


cdef inline Rgb push_scene(const Ctx* c, const Push* k, float u, float v, float s) noexcept nogil:
    """The old scene pushed by `s` along (ox, oy), the new one a frame behind it; 1 px seam."""
    cdef float qx = u - s * k.ox
    cdef float qy = v - s * k.oy
    cdef float cov = (clampf(qx / k.pxw + 0.5, 0.0, 1.0) * clampf((1.0 - qx) / k.pxw + 0.5, 0.0, 1.0)
                      * clampf(qy / k.pxh + 0.5, 0.0, 1.0) * clampf((1.0 - qy) / k.pxh + 0.5, 0.0, 1.0))
    if cov >= 1.0:
        return from_color(c, qx, qy)
    cdef float tx = u + k.ox * (stepf(1.0 - k.pxw, 0.5 - k.ox * (qx - 0.5)) - s)
    cdef float ty = v + k.oy * (stepf(1.0 - k.pxh, 0.5 - k.oy * (qy - 0.5)) - s)
    if cov <= 0.0:
        return to_color(c, tx, ty)
    return mix3(to_color(c, tx, ty), from_color(c, qx, qy), cov)


cdef inline void push_init(const Ctx* c, Push* k, float dx, float dy) noexcept nogil:
    k.ox = signf(dx)
    k.oy = signf(dy)
    k.pxw = 1.0 / c.w
    k.pxh = 1.0 / c.h


cdef void k_slide(const Ctx* c, int y) noexcept nogil:
    cdef Push k
    push_init(c, &k, c.p[0], c.p[1])
    cdef float v = uv_v(c, y)
    cdef int x
    for x in range(c.w):
        put(c, x, y, push_scene(c, &k, uv_u(c, x), v, c.progress))


cdef void k_whip_pan(const Ctx* c, int y) noexcept nogil:
    cdef Push k
    push_init(c, &k, c.p[0], c.p[1])
    cdef float p = c.progress
    cdef float r = 1.0 - p
    cdef float pos = 4.0 * p * p * p if p < 0.5 else 1.0 - 4.0 * r * r * r
    cdef float vel = 4.0 * p * p if p < 0.5 else 4.0 * r * r
    cdef float ln = maxf(c.p[2], 0.0) * vel
    cdef int n = <int>c.p[3]
    n = 1 if n < 1 else (64 if n > 64 else n)
    cdef float v = uv_v(c, y)
    cdef float shift[64]
    cdef float weight[64]
    cdef float inv, f, wsum = 0.0
    cdef int x, i
    if ln <= 0.0 or n < 2:
        for x in range(c.w):
            put(c, x, y, push_scene(c, &k, uv_u(c, x), v, pos))
        return
    inv = 1.0 / <float>(n - 1)
    for i in range(n):
        f = <float>i * inv - 0.5
        shift[i] = pos + f * ln
        weight[i] = 1.0 - fabsf(f)
        wsum = wsum + weight[i]
    for i in range(n):
        weight[i] = weight[i] / wsum
    cdef Rgb acc
    cdef float u
    for x in range(c.w):
        u = uv_u(c, x)
        acc = rgb(0.0, 0.0, 0.0)
        for i in range(n):
            acc = add3(acc, scale3(push_scene(c, &k, u, v, shift[i]), weight[i]))
        put(c, x, y, acc)


cdef void k_zoom(const Ctx* c, int y) noexcept nogil:
    cdef float k = clampf(c.p[0], 0.0, 0.999)
    cdef float a = smoothstep(0.0, 1.0, c.progress)
    cdef float z = 1.0 - k * a * a
    cdef float m = smoothstep(0.45, 1.0, c.progress)
    cdef float zv = 0.5 + (uv_v(c, y) - 0.5) * z
    cdef int x
    for x in range(c.w):
        if m >= 1.0:
            put(c, x, y, texel(&c.to, x, y))
        else:
            put(c, x, y, mix3(from_color(c, 0.5 + (uv_u(c, x) - 0.5) * z, zv), texel(&c.to, x, y), m))


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
        if env > 0.0:
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


cdef RowKernel kernel_for(str name):
    if name == "wipe":
        return k_wipe
    if name == "slide":
        return k_slide
    if name == "zoom":
        return k_zoom
    if name == "circle-open":
        return k_circle_open
    if name == "sdf-iris":
        return k_sdf_iris
    if name == "whip-pan":
        return k_whip_pan
    if name == "flash-through-white":
        return k_flash_through_white
    return NULL
