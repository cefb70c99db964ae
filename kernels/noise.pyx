# cython: language_level=3
"""CPU kernels of the noise-based reveal built-ins (shaders/transitions/<name>.glsl), one row at a time.

Each kernel is a line-by-line port of its GLSL file; parameters arrive in `c.p` in the order
the GLSL declares them. Noise comes from noise_lib.pxi (the integer-hash value noise of
shaders/lib/noise.glsl, evaluated CH pixels at a time). noise_fx.pyx holds the others.
"""

include "common.pxi"
include "noise_lib.pxi"


cdef inline void field_load(const Ctx* c, int x0, int y, int n, int k, float* dst) noexcept nogil:
    """dst[i] = field value k of pixel (x0 + i, y); past the row's end the last pixel's."""
    cdef const float* row = c.field + <Py_ssize_t>y * c.w * c.nfield
    cdef int i, xi
    for i in range(CH):
        xi = x0 + i if i < n else x0 + n - 1
        dst[i] = row[xi * c.nfield + k]


cdef inline void field_store(const Ctx* c, int x0, int y, int n, int k, const float* src) noexcept nogil:
    cdef float* row = c.field_out + <Py_ssize_t>y * c.w * c.nfield
    cdef int i
    for i in range(n):
        row[(x0 + i) * c.nfield + k] = src[i]


cdef void k_dissolve(const Ctx* c, int y) noexcept nogil:
    cdef float s = maxf(c.p[0], 1e-4)
    cdef float scale = c.p[1]
    cdef int octaves = <int>c.p[2]
    cdef int seed = <int>c.p[3]
    cdef float t = c.progress * (<float>1.0 + <float>2.0 * s) - s
    cdef float ny = uv_v(c, y) * scale
    cdef float U[CH]
    cdef float X[CH]
    cdef float Y[CH]
    cdef float N[CH]
    cdef Lat L[8]
    lat_reset(L, 8)
    cdef float m
    cdef int i, n
    cdef int x0 = 0
    for i in range(CH):
        Y[i] = ny
    while x0 < c.w:
        n = chunk_u(c, x0, U)
        if c.field != NULL:
            field_load(c, x0, y, n, 0, N)
        else:
            for i in range(CH):
                X[i] = U[i] * c.ratio * scale
            fbm_chunk(L, X, Y, N, octaves, seed, False)
            if c.field_out != NULL:
                field_store(c, x0, y, n, 0, N)
                x0 = x0 + CH
                continue
        for i in range(n):
            m = <float>1.0 - sm(t - s, t + s, sm(0.2, 0.8, N[i]))
            put(c, x0 + i, y, mix3(texel(&c.frm, x0 + i, y), texel(&c.to, x0 + i, y), m))
        x0 = x0 + CH


cdef void k_domain_warp(const Ctx* c, int y) noexcept nogil:
    cdef Rgb edge = param3(c.p, 0)
    cdef float w = maxf(c.p[3], 1e-4)
    cdef float warp = c.p[4]
    cdef float scale = c.p[5]
    cdef int octaves = <int>c.p[6]
    cdef int seed = <int>c.p[7]
    cdef float v = uv_v(c, y)
    cdef float py = v * scale
    cdef float t = c.progress * (<float>1.0 + <float>2.0 * w) - w
    cdef float env = <float>4.0 * c.progress * (<float>1.0 - c.progress)
    cdef float k = <float>0.06 * env
    cdef float U[CH]
    cdef float X[CH]
    cdef float X1[CH]
    cdef float QX[CH]
    cdef float QY[CH]
    cdef float F[CH]
    cdef Lat L0[8]
    cdef Lat L1[8]
    cdef Lat L2[8]
    lat_reset(L0, 8)
    lat_reset(L1, 8)
    lat_reset(L2, 8)
    cdef float u, f, d, m, g, dx, dy, glow
    cdef Rgb col
    cdef int i, n
    cdef int x0 = 0
    while x0 < c.w:
        n = chunk_u(c, x0, U)
        if c.field != NULL:
            field_load(c, x0, y, n, 0, QX)
            field_load(c, x0, y, n, 1, QY)
            field_load(c, x0, y, n, 2, F)
        else:
            noise_field_chunk(L0, L1, U, c.ratio, scale, py, <float>5.2, <float>1.3, octaves, seed, X, QX, QY)
            for i in range(CH):
                X1[i] = X[i] + warp * QX[i]
                F[i] = py + warp * QY[i]
            fbm_chunk(L2, X1, F, F, octaves, seed + 16, False)
            if c.field_out != NULL:
                field_store(c, x0, y, n, 0, QX)
                field_store(c, x0, y, n, 1, QY)
                field_store(c, x0, y, n, 2, F)
                x0 = x0 + CH
                continue
        for i in range(n):
            u = U[i]
            f = sm(0.2, 0.8, F[i])
            d = f - t
            m = <float>1.0 - sm(<float>-0.3 * w, <float>0.3 * w, d)
            g = <float>1.0 - sm(0.0, w, fabsf(d))
            dx = (QX[i] - <float>0.5) * k
            dy = (QY[i] - <float>0.5) * k
            col = blend2(c, u + dx, v + dy, u - dx, v - dy, m)
            if g > 0.0:
                glow = g * g * (<float>0.3 + <float>0.9 * QY[i])
                col = add3(col, scale3(edge, glow * (<float>1.0 + g * g)))
            put(c, x0 + i, y, col)
        x0 = x0 + CH


cdef void k_ridged_burn(const Ctx* c, int y) noexcept nogil:
    cdef float scale = c.p[0]
    cdef float w = maxf(c.p[1], 1e-4)
    cdef Rgb charc = param3(c.p, 2)
    cdef Rgb red = param3(c.p, 5)
    cdef Rgb orange = param3(c.p, 8)
    cdef Rgb hot = param3(c.p, 11)
    cdef float sparks = c.p[14]
    cdef int octaves = <int>c.p[15]
    cdef int seed = <int>c.p[16]
    cdef float ay = uv_v(c, y)
    cdef float py = ay * scale
    cdef float t = c.progress * (<float>1.0 + <float>2.0 * w) - w
    cdef float spy = (ay - <float>0.3 * c.progress) * <float>32.0
    cdef float celly = floorf(spy)
    cdef int icy = <int>celly
    cdef int icx = NO_CELL
    cdef float h = 0.0
    cdef float offx = 0.0
    cdef float offy = 0.0
    cdef float U[CH]
    cdef float X[CH]
    cdef float Y[CH]
    cdef float XL[CH]
    cdef float YL[CH]
    cdef float R[CH]
    cdef float LO[CH]
    cdef Lat L[8]
    cdef Lat Llow[1]
    lat_reset(L, 8)
    lat_reset(Llow, 1)
    cdef float ax, f, e, xx, heat, m, spill, spx, cellx, spark, near
    cdef Rgb frm, charred, ramp, paper, col
    cdef int i, n, xi, cx
    cdef int x0 = 0
    for i in range(CH):
        Y[i] = py
        YL[i] = py * <float>0.35
    while x0 < c.w:
        n = chunk_u(c, x0, U)
        for i in range(CH):
            X[i] = U[i] * c.ratio * scale
            XL[i] = X[i] * <float>0.35
        fbm_chunk(Llow, XL, YL, LO, 1, seed + 9, False)
        fbm_chunk(L, X, Y, R, octaves, seed, True)
        for i in range(n):
            xi = x0 + i
            f = sm(0.15, 0.85, <float>0.25 * LO[i] + <float>0.75 * (<float>1.0 - R[i]))
            e = f - t
            m = <float>1.0 - sm(<float>-0.12 * w, 0.0, e)
            if e <= -w:
                put(c, xi, y, texel(&c.to, xi, y))   # burnt through, past the glow: the new scene
                continue
            xx = clampf(e / w, 0.0, 1.0)
            frm = texel(&c.frm, xi, y)
            if xx >= 1.0:
                put(c, xi, y, frm)                    # not reached yet: the old scene
                continue
            charred = mix3(charc, frm, sm(0.15, 0.9, xx))
            heat = <float>1.0 - sm(0.0, 0.3, xx)
            ramp = mix3(red, orange, sm(0.15, 0.6, heat))
            ramp = mix3(ramp, hot, sm(0.6, 1.0, heat))
            paper = mix3(charred, ramp, heat)
            spill = m * (<float>1.0 - sm(0.0, <float>0.35 * w, -e))
            col = add3(mix3(paper, texel(&c.to, xi, y), m), scale3(orange, <float>0.8 * spill))
            near = <float>1.0 - sm(0.0, w, fabsf(e))
            if near > 0.0:
                ax = U[i] * c.ratio
                spx = ax * <float>32.0
                cellx = floorf(spx)
                cx = <int>cellx
                if cx != icx:
                    icx = cx
                    h = hash12(cx, icy, seed + 101)
                    offx = hash12(cx, icy, seed + 102) * <float>0.5 + <float>0.25
                    offy = hash12(cx, icy, seed + 103) * <float>0.5 + <float>0.25
                spark = (<float>1.0 - sm(0.0, 0.22, length2(spx - cellx - offx, spy - celly - offy))) \
                    * sm(0.86, 0.9, h)
                col = add3(col, scale3(hot, <float>2.0 * sparks * spark * near))
            put(c, xi, y, col)
        x0 = x0 + CH


cdef void k_cross_warp_morph(const Ctx* c, int y) noexcept nogil:
    cdef float strength = c.p[0]
    cdef float scale = c.p[1]
    cdef float s = maxf(c.p[2], 1e-4)
    cdef int octaves = <int>c.p[3]
    cdef int seed = <int>c.p[4]
    cdef float v = uv_v(c, y)
    cdef float py = v * scale
    cdef float p = c.progress
    cdef float q = <float>1.0 - c.progress
    cdef float t = c.progress * (<float>1.0 + <float>2.0 * s) - s
    cdef float U[CH]
    cdef float X[CH]
    cdef float NX[CH]
    cdef float NY[CH]
    cdef Lat L0[8]
    cdef Lat L1[8]
    lat_reset(L0, 8)
    lat_reset(L1, 8)
    cdef float u, fx, fy, m
    cdef int i, n
    cdef int x0 = 0
    while x0 < c.w:
        n = chunk_u(c, x0, U)
        if c.field != NULL:
            field_load(c, x0, y, n, 0, NX)
            field_load(c, x0, y, n, 1, NY)
        else:
            noise_field_chunk(L0, L1, U, c.ratio, scale, py, <float>19.1, <float>7.7, octaves, seed, X, NX, NY)
            if c.field_out != NULL:
                field_store(c, x0, y, n, 0, NX)
                field_store(c, x0, y, n, 1, NY)
                x0 = x0 + CH
                continue
        for i in range(n):
            u = U[i]
            fx = (NX[i] * <float>2.0 - <float>1.0) * strength
            fy = (NY[i] * <float>2.0 - <float>1.0) * strength
            m = <float>1.0 - sm(t - s, t + s, sm(0.25, 0.75, NX[i]))
            put(c, x0 + i, y, blend2(c, u - fx * p, v - fy * p, u + fx * q, v + fy * q, m))
        x0 = x0 + CH


def make_field(str name, float[:, :, ::1] field, float ratio, const float[::1] params, int threads):
    """Compute kernel `name`'s noise field for frames of `field`'s height and width into `field`
    (shape (h, w, FIELDS[name]), float32); releases the GIL."""
    cdef RowKernel kernel = kernel_for(name)
    if kernel == NULL or name not in FIELDS:
        raise KeyError(f"no noise field for kernel {name!r} in {__name__}")
    if field.shape[2] != FIELDS[name]:
        raise ValueError(f"field of {field.shape[2]} values per pixel; kernel {name!r} has {FIELDS[name]}")
    cdef Ctx c
    c.frm.data = NULL
    c.to.data = NULL
    c.out = NULL
    c.w = field.shape[1]
    c.h = field.shape[0]
    c.frm.w = c.to.w = c.w
    c.frm.h = c.to.h = c.h
    c.progress = 0.0
    c.ratio = ratio
    c.p = &params[0] if params.shape[0] > 0 else &NO_PARAMS
    c.field = NULL
    c.field_out = &field[0, 0, 0]
    c.nfield = field.shape[2]
    with nogil:
        run_rows(&c, kernel, threads)


def run_with_field(str name, const u16[:, :, ::1] frm, const u16[:, :, ::1] to, u16[:, :, ::1] out,
                   float progress, float ratio, const float[::1] params, const float[:, :, ::1] field,
                   int threads):
    """`run`, reading the noise field from `field` (made by `make_field` for the same size,
    ratio and parameters) instead of computing it; the output is identical."""
    cdef RowKernel kernel = kernel_for(name)
    if kernel == NULL or name not in FIELDS:
        raise KeyError(f"no noise field for kernel {name!r} in {__name__}")
    if field.shape[0] != out.shape[0] or field.shape[1] != out.shape[1] or field.shape[2] != FIELDS[name]:
        raise ValueError(f"field of shape {tuple(field.shape)[:3]} does not fit kernel {name!r} at "
                         f"{out.shape[1]}x{out.shape[0]}")
    cdef Ctx c
    ctx_frames(&c, frm, to, out, progress, ratio, params)
    c.field = &field[0, 0, 0]
    c.nfield = field.shape[2]
    with nogil:
        run_rows(&c, kernel, threads)


#: The module's one dispatch table: kernel name -> its row function, the number of float
#: parameters it reads from `params` and the floats per pixel of its noise field (which depends on the
#: pixel, the frame's aspect ratio and the parameters but not on progress: computed once by
#: `make_field`, it serves every frame of a transition through `run_with_field`).
TABLE = {
    "dissolve": row_kernel(k_dissolve, 4, 1),
    "domain-warp": row_kernel(k_domain_warp, 8, 3),
    "ridged-burn": row_kernel(k_ridged_burn, 17),
    "cross-warp-morph": row_kernel(k_cross_warp_morph, 5, 2),
}
KERNELS = {name: k.nparams for name, k in TABLE.items()}
FIELDS = {name: k.nfield for name, k in TABLE.items() if k.nfield}
