# cython: language_level=3
"""CPU kernels of the noise-based effect built-ins (glitch, heat haze, light leak), one row at a time.

Line-by-line ports of shaders/transitions/<name>.glsl, like noise.pyx (same noise_lib.pxi).
"""

include "common.pxi"
include "noise_lib.pxi"


cdef void k_glitch(const Ctx* c, int y) noexcept nogil:
    cdef float intensity = c.p[0]
    cdef float blocks = c.p[1]
    cdef float rgb_shift = c.p[2]
    cdef float scanlines = c.p[3]
    cdef int seed = <int>c.p[4]
    cdef float v = uv_v(c, y)
    cdef float w = <float>4.0 * c.progress * (<float>1.0 - c.progress)
    cdef float amt = intensity * w * w
    cdef int ts = <int>floorf(c.progress * <float>14.0)
    cdef int row = <int>floorf(v * <float>40.0 + <float>0.37)
    cdef float hr = hash12(row, ts, seed)
    cdef float row_on = sm(<float>1.0 - <float>0.4 * amt, <float>1.02 - <float>0.4 * amt, hr)
    cdef float row_shift = (hash12(row, ts, seed + 1) - <float>0.5) * <float>0.12 * amt * row_on
    cdef int by = <int>floorf(v * blocks + <float>0.43)
    cdef float cut = sm(0.44, 0.56, c.progress)
    cdef float sl = <float>0.5 + <float>0.5 * sinf(<float>6.2831853 * fractf(v * <float>135.0))
    cdef float dim = <float>1.0 - scanlines * amt * sl
    cdef float lo = <float>1.0 - <float>0.3 * amt
    cdef float hi = <float>1.02 - <float>0.3 * amt
    cdef int lastbx = NO_CELL
    cdef float hb = 0.0
    cdef float h3 = 0.0
    cdef float h4 = 0.0
    cdef float u, block_on, shift, flip, m, o, bu, r, g, b
    cdef int x, bx
    if amt == 0.0:
        for x in range(c.w):
            put(c, x, y, mix3(texel(&c.frm, x, y), texel(&c.to, x, y), cut))
        return
    for x in range(c.w):
        u = (<float>x + <float>0.5) / <float>c.w
        bx = <int>floorf(u * c.ratio * blocks * <float>0.4 + <float>0.21) + ts * 1009
        if bx != lastbx:
            lastbx = bx
            hb = hash12(bx, by, seed + 2)
            h3 = hash12(bx, by, seed + 3)
            h4 = hash12(bx, by, seed + 4)
        block_on = sm(lo, hi, hb)
        shift = row_shift + (h3 - <float>0.5) * <float>0.3 * amt * block_on
        flip = block_on * sm(0.45, 0.55, h4)
        m = mixf(cut, <float>1.0 - cut, flip)
        o = rgb_shift * amt * (<float>1.0 + <float>2.0 * block_on)
        bu = u + shift
        if m <= 0.0:
            r = sample_ch(&c.frm, bu + o, v, 0)
            g = sample_ch(&c.frm, bu, v, 1)
            b = sample_ch(&c.frm, bu - o, v, 2)
        elif m >= 1.0:
            r = sample_ch(&c.to, bu + o, v, 0)
            g = sample_ch(&c.to, bu, v, 1)
            b = sample_ch(&c.to, bu - o, v, 2)
        else:
            r = mixf(sample_ch(&c.frm, bu + o, v, 0), sample_ch(&c.to, bu + o, v, 0), m)
            g = mixf(sample_ch(&c.frm, bu, v, 1), sample_ch(&c.to, bu, v, 1), m)
            b = mixf(sample_ch(&c.frm, bu - o, v, 2), sample_ch(&c.to, bu - o, v, 2), m)
        put(c, x, y, rgb(r * dim, g * dim, b * dim))


cdef void k_thermal_distortion(const Ctx* c, int y) noexcept nogil:
    cdef float strength = c.p[0]
    cdef float scale = c.p[1]
    cdef float speed = c.p[2]
    cdef int octaves = <int>c.p[3]
    cdef int seed = <int>c.p[4]
    cdef float v = uv_v(c, y)
    cdef float env = <float>4.0 * c.progress * (<float>1.0 - c.progress)
    cdef float qy = (v - c.progress * speed) * scale * <float>1.6
    cdef float amount = strength * env * (<float>1.3 - <float>0.6 * v)
    cdef float m = sm(0.15, 0.85, c.progress)
    cdef float U[CH]
    cdef float X[CH]
    cdef float NX[CH]
    cdef float NY[CH]
    cdef Lat L0[8]
    cdef Lat L1[8]
    lat_reset(L0, 8)
    lat_reset(L1, 8)
    cdef float su, sv
    cdef int i, n
    cdef int x0 = 0
    if amount == 0.0:
        for i in range(c.w):
            put(c, i, y, mix3(texel(&c.frm, i, y), texel(&c.to, i, y), m))
        return
    while x0 < c.w:
        n = chunk_u(c, x0, U)
        noise_field_chunk(L0, L1, U, c.ratio, scale, qy, <float>7.3, <float>3.1, octaves, seed, X, NX, NY)
        for i in range(n):
            su = U[i] + (NX[i] - <float>0.5) * (<float>2.0 * amount)
            sv = v + <float>0.5 * (NY[i] - <float>0.5) * (<float>2.0 * amount)
            put(c, x0 + i, y, blend2(c, su, sv, su, sv, m))
        x0 = x0 + CH


cdef void k_light_leak(const Ctx* c, int y) noexcept nogil:
    cdef Rgb leak_color = param3(c.p, 0)
    cdef Rgb flare_color = param3(c.p, 3)
    cdef float intensity = c.p[6]
    cdef float scale = c.p[7]
    cdef int octaves = <int>c.p[8]
    cdef int seed = <int>c.p[9]
    cdef float p = c.progress
    cdef float w = <float>4.0 * p * (<float>1.0 - p)
    cdef float env = intensity * w
    cdef float ay = uv_v(c, y)
    cdef float ccx = (<float>1.4 * p - <float>0.2) * c.ratio
    cdef float ccy = <float>0.7 - <float>0.3 * p
    cdef float ny = ay * scale + <float>0.4 * p
    cdef float dy = ay - ccy
    cdef float dy2 = <float>900.0 * dy * dy
    cdef float cut = sm(0.38, 0.62, p)
    cdef float U[CH]
    cdef float X[CH]
    cdef float Y[CH]
    cdef float N[CH]
    cdef Lat L[8]
    lat_reset(L, 8)
    cdef float ax, blobs, dx, r2, leak, core, streak, fl
    cdef Rgb base, light
    cdef int i, n, xi
    cdef int x0 = 0
    if env == 0.0:
        for i in range(c.w):
            base = mix3(texel(&c.frm, i, y), texel(&c.to, i, y), cut)
            put(c, i, y, rgb(<float>1.0 - (<float>1.0 - base.r), <float>1.0 - (<float>1.0 - base.g),
                             <float>1.0 - (<float>1.0 - base.b)))
        return
    for i in range(CH):
        Y[i] = ny
    while x0 < c.w:
        n = chunk_u(c, x0, U)
        for i in range(CH):
            X[i] = U[i] * c.ratio * scale + <float>-1.2 * p
        fbm_chunk(L, X, Y, N, octaves, seed, False)
        for i in range(n):
            xi = x0 + i
            base = mix3(texel(&c.frm, xi, y), texel(&c.to, xi, y), cut)
            ax = U[i] * c.ratio
            blobs = sm(0.3, 0.75, N[i])
            dx = ax - ccx
            r2 = dx * dx + dy * dy
            leak = (<float>0.35 + <float>0.9 * blobs) / (<float>1.0 + <float>2.5 * r2)
            core = <float>1.0 / (<float>1.0 + <float>60.0 * r2)
            streak = <float>1.0 / (<float>1.0 + dy2 + <float>1.5 * dx * dx)
            fl = (<float>0.9 * core + <float>0.6 * streak) * env
            light = add3(scale3(leak_color, leak * env * <float>1.4), scale3(flare_color, fl))
            put(c, xi, y, rgb(<float>1.0 - (<float>1.0 - base.r) * (<float>1.0 - clampf(light.r, 0.0, 1.0)),
                              <float>1.0 - (<float>1.0 - base.g) * (<float>1.0 - clampf(light.g, 0.0, 1.0)),
                              <float>1.0 - (<float>1.0 - base.b) * (<float>1.0 - clampf(light.b, 0.0, 1.0))))
        x0 = x0 + CH


#: The module's one dispatch table: kernel name -> its row function, the number of float
#: parameters it reads from `params`.
TABLE = {
    "glitch": row_kernel(k_glitch, 5),
    "thermal-distortion": row_kernel(k_thermal_distortion, 5),
    "light-leak": row_kernel(k_light_leak, 10),
}
KERNELS = {name: k.nparams for name, k in TABLE.items()}
