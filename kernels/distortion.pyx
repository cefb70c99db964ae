# cython: language_level=3
"""CPU kernels of the distortion built-ins (shaders/transitions/<name>.glsl), one row at a time.

Each kernel is a line-by-line port of its GLSL file; parameters arrive in `c.p` in the order
the GLSL declares them. Samples at the pixel's own position use `texel` (exact, no filtering).
"""

include "common.pxi"
include "fastsample.pxi"


cdef enum:
    CHUNK = 256  # pixels per pass of the two-pass kernels


cdef void k_ripple_waves(const Ctx* c, int y) noexcept nogil:
    cdef float amp = c.p[0]
    cdef float freq = c.p[1]
    cdef float speed = c.p[2]
    cdef float cx = c.p[3]
    cdef float cy = c.p[4]
    cdef float p = c.progress
    cdef float env = 4.0 * p * (1.0 - p) * amp
    cdef float m = smoothstep(0.25, 0.75, p)
    cdef float v = uv_v(c, y)
    cdef float dy = v - cy
    cdef float tau = 6.2831853
    cdef float soft = 0.02
    cdef float one = 1.0
    cdef float half = 0.5
    cdef float shade = 3.0 * env
    cdef float ph0 = speed * p
    cdef float ratio = c.ratio
    cdef float inv_ratio = one / c.ratio
    cdef float fw = <float>c.w
    cdef float qu[CHUNK]
    cdef float qv[CHUNK]
    cdef float lit[CHUNK]
    cdef float dx, r, k, u, sn, cs
    cdef int x, x0, i, n
    if env == 0.0:
        for x in range(c.w):
            put(c, x, y, texel(&c.frm, x, y) if m <= 0.0 else texel(&c.to, x, y))
        return
    x0 = 0
    while x0 < c.w:
        n = c.w - x0 if c.w - x0 < CHUNK else CHUNK
        # pass 1, branch-free so that it vectorises: where each pixel reads, and its shading
        for i in range(n):
            u = (<float>(x0 + i) + half) / fw
            dx = (u - cx) * ratio
            r = sqrtf(dx * dx + dy * dy)
            fsincos_bf(tau * (freq * r - ph0), &sn, &cs)
            k = sn * env / (r + soft)
            qu[i] = u + dx * k * inv_ratio
            qv[i] = v + dy * k
            lit[i] = one + shade * cs
        for i in range(n):
            put(c, x0 + i, y, scale3(tap_blend(c, qu[i], qv[i], m), lit[i]))
        x0 = x0 + CHUNK


cdef void k_swirl_vortex(const Ctx* c, int y) noexcept nogil:
    cdef float strength = c.p[0]
    cdef float rad = maxf(c.p[1], 1e-4)
    cdef float cx = c.p[2]
    cdef float cy = c.p[3]
    cdef float p = c.progress
    cdef float env = smoothstep(0.0, 1.0, 1.0 - fabsf(2.0 * p - 1.0))
    cdef float m = smoothstep(0.35, 0.65, p)
    cdef float v = uv_v(c, y)
    cdef float dy = v - cy
    cdef float one = 1.0
    cdef float zero = 0.0
    cdef float half = 0.5
    cdef float amount = strength * env
    cdef float inv_rad = one / rad
    cdef float ratio = c.ratio
    cdef float inv_ratio = one / c.ratio
    cdef float fw = <float>c.w
    cdef float qu[CHUNK]
    cdef float qv[CHUNK]
    cdef float th[CHUNK]
    cdef float dx, f, s, co, u
    cdef int x, x0, i, n
    x0 = 0
    while x0 < c.w:
        n = c.w - x0 if c.w - x0 < CHUNK else CHUNK
        # pass 1, branch-free so that it vectorises: the rotation and where each pixel reads
        for i in range(n):
            u = (<float>(x0 + i) + half) / fw
            dx = (u - cx) * ratio
            f = one - sqrtf(dx * dx + dy * dy) * inv_rad
            f = zero if f < zero else f
            th[i] = amount * f * f
            fsincos_bf(th[i], &s, &co)
            qu[i] = u + (co * dx - s * dy - dx) * inv_ratio
            qv[i] = v + (s * dx + co * dy - dy)
        for i in range(n):
            if th[i] == 0.0:
                put(c, x0 + i, y, mix3(texel(&c.frm, x0 + i, y), texel(&c.to, x0 + i, y), m))
            else:
                put(c, x0 + i, y, tap_blend(c, qu[i], qv[i], m))
        x0 = x0 + CHUNK


cdef inline Rgb split3(const Ctx* c, int x, int y, float u, float v, float ox, float oy, float m) noexcept nogil:
    """Red read at uv - off, green at uv, blue at uv + off, of the mixed scenes."""
    cdef Tap tr, tb
    tap_at(&tr, &c.frm, u - ox, v - oy)
    tap_at(&tb, &c.frm, u + ox, v + oy)
    cdef Rgb f, g
    if m < 1.0:
        f = rgb(tap_ch(&c.frm, &tr, 0), texel(&c.frm, x, y).g, tap_ch(&c.frm, &tb, 2))
        if m <= 0.0:
            return f
    g = rgb(tap_ch(&c.to, &tr, 0), texel(&c.to, x, y).g, tap_ch(&c.to, &tb, 2))
    if m >= 1.0:
        return g
    return mix3(f, g, m)


cdef void k_chromatic_split(const Ctx* c, int y) noexcept nogil:
    cdef float p = c.progress
    cdef float env = smoothstep(0.0, 1.0, 1.0 - fabsf(2.0 * p - 1.0))
    cdef float t = c.p[1] * (PI / 180.0)
    cdef float ox = cosf(t) / c.ratio * (c.p[0] * env)
    cdef float oy = sinf(t) * (c.p[0] * env)
    cdef float m = smoothstep(0.35, 0.65, p)
    cdef float v = uv_v(c, y)
    cdef float u
    cdef int x
    for x in range(c.w):
        u = uv_u(c, x)
        put(c, x, y, split3(c, x, y, u, v, ox, oy, m))


cdef inline Rgb lens3(const Ctx* c, float u, float v, float kx, float ky, float ch, float m) noexcept nogil:
    """The three channels, each displaced by its own share of (kx, ky), of the mixed scenes."""
    cdef Tap tr, tg, tb
    cdef float one = 1.0
    tap_at(&tr, &c.frm, u - kx * (one + ch), v - ky * (one + ch))
    tap_at(&tg, &c.frm, u - kx, v - ky)
    tap_at(&tb, &c.frm, u - kx * (one - ch), v - ky * (one - ch))
    if m <= 0.0:
        return rgb(tap_ch(&c.frm, &tr, 0), tap_ch(&c.frm, &tg, 1), tap_ch(&c.frm, &tb, 2))
    if m >= 1.0:
        return rgb(tap_ch(&c.to, &tr, 0), tap_ch(&c.to, &tg, 1), tap_ch(&c.to, &tb, 2))
    return mix3(rgb(tap_ch(&c.frm, &tr, 0), tap_ch(&c.frm, &tg, 1), tap_ch(&c.frm, &tb, 2)),
                rgb(tap_ch(&c.to, &tr, 0), tap_ch(&c.to, &tg, 1), tap_ch(&c.to, &tb, 2)), m)


cdef void k_gravitational_lens(const Ctx* c, int y) noexcept nogil:
    cdef float cx = c.p[0]
    cdef float cy = c.p[1]
    cdef float p = c.progress
    cdef float env = smoothstep(0.0, 0.5, p) * smoothstep(0.0, 0.5, 1.0 - p)
    cdef float re = maxf(c.p[2], 0.0) * env
    cdef float ch = clampf(c.p[3], 0.0, 0.5)
    cdef float m = smoothstep(0.4, 0.6, p)
    cdef float v = uv_v(c, y)
    cdef float dy = v - cy
    cdef float dx, r, g, kx, ky, hole, u
    cdef Rgb col
    cdef int x
    for x in range(c.w):
        u = uv_u(c, x)
        dx = (u - cx) * c.ratio
        r = maxf(length2(dx, dy), 1e-4)
        hole = smoothstep(0.4 * re, 0.6 * re + 1e-5, r)
        if hole <= 0.0:
            put(c, x, y, rgb(0.0, 0.0, 0.0))
            continue
        g = re * re / (r * r)
        kx = dx * g / c.ratio
        ky = dy * g
        put(c, x, y, scale3(lens3(c, u, v, kx, ky, ch, m), hole))


cdef inline void zoom_tap(const RowS* r, int x0, int n, float g, float cx, float wr, float wg, float wb,
                         float* ar, float* ag, float* ab) noexcept nogil:
    """Add one tap of the zoom blur, read at u + (u - cx) * g, for pixels x0 .. x0 + n - 1."""
    cdef float half = 0.5
    cdef float fw = <float>r.w
    cdef float lim = <float>r.w
    cdef float u, px, fx, one = 1.0
    cdef int i, xa, xb, last = r.w - 1
    cdef Rgb col
    for i in range(n):
        u = (<float>(x0 + i) + half) / fw
        px = (u + (u - cx) * g) * fw - half
        px = -one if px < -one else (lim if px > lim else px)
        xa = ifloor(px)
        fx = px - <float>xa
        xb = xa + 1
        xa = 0 if xa < 0 else (last if xa > last else xa)
        xb = 0 if xb < 0 else (last if xb > last else xb)
        col = rows_lerp(r, xa, xb, fx)
        ar[i] = ar[i] + col.r * wr
        ag[i] = ag[i] + col.g * wg
        ab[i] = ab[i] + col.b * wb


cdef void k_cinematic_zoom(const Ctx* c, int y) noexcept nogil:
    cdef float p = c.progress
    cdef float k = maxf(c.p[0], 0.0)
    cdef int n = <int>c.p[1]
    cdef float ch = clampf(c.p[2], 0.0, 1.0)
    cdef float cx = c.p[3]
    cdef float cy = c.p[4]
    cdef float t = 2.0 * p if p < 0.5 else 2.0 * (1.0 - p)
    cdef float zoom = 1.0 + k * t * t
    cdef float blur = 0.5 * k * t
    cdef float m = smoothstep(0.4, 0.6, p)
    n = 1 if n < 1 else (64 if n > 64 else n)
    cdef float inv = 1.0 / <float>(n - 1) if n > 1 else 0.0
    cdef float v = uv_v(c, y)
    cdef float g[64]
    cdef float wr[64]
    cdef float wg[64]
    cdef float wb[64]
    cdef RowS rf[64]
    cdef RowS rt[64]
    cdef float ar[CHUNK]
    cdef float ag[CHUNK]
    cdef float ab[CHUNK]
    cdef float s, tent, sr = 0.0, sg = 0.0, sb = 0.0
    cdef int x0, i, j, cnt
    for i in range(n):
        s = <float>i * inv - 0.5 if n > 1 else 0.0
        tent = 1.0 - fabsf(s)
        # red trails towards the centre, blue away from it
        wr[i] = (1.0 - 2.0 * ch * s) * tent
        wg[i] = (1.0 - ch * fabsf(2.0 * s)) * tent
        wb[i] = (1.0 + 2.0 * ch * s) * tent
        sr = sr + wr[i]
        sg = sg + wg[i]
        sb = sb + wb[i]
        g[i] = 1.0 / (zoom * (1.0 + blur * s)) - 1.0
        if m < 1.0:
            rows_at(&rf[i], &c.frm, v + (v - cy) * g[i])
        if m > 0.0:
            rows_at(&rt[i], &c.to, v + (v - cy) * g[i])
    for i in range(n):
        wr[i] = wr[i] / sr
        wg[i] = wg[i] / sg
        wb[i] = wb[i] / sb
    # tap-major over chunks of the row: each tap is a tight loop over one pair of source rows;
    # the cross-fade is linear, so each scene adds its taps with its share of the weights
    x0 = 0
    while x0 < c.w:
        cnt = c.w - x0 if c.w - x0 < CHUNK else CHUNK
        for j in range(cnt):
            ar[j] = 0.0
            ag[j] = 0.0
            ab[j] = 0.0
        for i in range(n):
            if m < 1.0:
                zoom_tap(&rf[i], x0, cnt, g[i], cx, wr[i] * (1.0 - m), wg[i] * (1.0 - m), wb[i] * (1.0 - m), ar, ag, ab)
            if m > 0.0:
                zoom_tap(&rt[i], x0, cnt, g[i], cx, wr[i] * m, wg[i] * m, wb[i] * m, ar, ag, ab)
        for j in range(cnt):
            put(c, x0 + j, y, rgb(ar[j], ag[j], ab[j]))
        x0 = x0 + CHUNK


#: The module's one dispatch table: kernel name -> its row function, the number of float
#: parameters it reads from `params`.
TABLE = {
    "ripple-waves": row_kernel(k_ripple_waves, 5),
    "gravitational-lens": row_kernel(k_gravitational_lens, 4),
    "cinematic-zoom": row_kernel(k_cinematic_zoom, 5),
    "chromatic-split": row_kernel(k_chromatic_split, 2),
    "swirl-vortex": row_kernel(k_swirl_vortex, 4),
}
KERNELS = {name: k.nparams for name, k in TABLE.items()}
