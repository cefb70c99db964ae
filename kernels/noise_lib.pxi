# Shared by the noise kernel modules (noise.pyx, noise_fx.pyx), included after common.pxi:
# value noise with a per-layer lattice cache (`Lat`: a row of pixels hashes once per cell, the
# values are the very same as vnoise/fbm since the hash is exact integer arithmetic), fBm over
# CH pixels at a time (vectorisable where the chunk stays in one cell), float32 smoothstep and
# bilinear sampling.

cdef int NO_CELL = -2147483647


# ---- cached value noise (same values as vnoise / fbm in common.pxi) --------------------------

cdef struct Lat:
    int cx
    int cy
    float a
    float b
    float d
    float e

cdef inline void lat_reset(Lat* L, int n) noexcept nogil:
    cdef int k
    for k in range(n):
        L[k].cx = NO_CELL
        L[k].cy = NO_CELL
        L[k].a = 0.0
        L[k].b = 0.0
        L[k].d = 0.0
        L[k].e = 0.0

cdef inline float vn(Lat* L, float x, float y, int seed) noexcept nogil:
    """vnoise(vec2(x, y), seed), reusing the lattice hashes while (x, y) stays in one cell."""
    cdef float ix = ffloor(x)
    cdef float iy = ffloor(y)
    cdef float fx = x - ix
    cdef float fy = y - iy
    cdef float ux = fx * fx * (<float>3.0 - <float>2.0 * fx)
    cdef float uy = fy * fy * (<float>3.0 - <float>2.0 * fy)
    cdef int cx = <int>ix
    cdef int cy = <int>iy
    if cx != L.cx or cy != L.cy:
        L.cx = cx
        L.cy = cy
        L.a = hash12(cx, cy, seed)
        L.b = hash12(cx + 1, cy, seed)
        L.d = hash12(cx, cy + 1, seed)
        L.e = hash12(cx + 1, cy + 1, seed)
    cdef float lower = L.a + (L.b - L.a) * ux
    cdef float upper = L.d + (L.e - L.d) * ux
    return lower + (upper - lower) * uy

# ---- chunked noise: CH pixels at a time, vectorisable where a chunk stays in one lattice cell --

cdef enum:
    CH = 8

cdef inline float sm(float e0, float e1, float x) noexcept nogil:
    """smoothstep in float32, branch-free clamp."""
    cdef float t = (x - e0) / (e1 - e0)
    t = t if t > <float>0.0 else <float>0.0
    t = t if t < <float>1.0 else <float>1.0
    return t * t * (<float>3.0 - <float>2.0 * t)

cdef inline void lat_fetch(Lat* L, int cx, int cy, int seed) noexcept nogil:
    if cx != L.cx or cy != L.cy:
        L.cx = cx
        L.cy = cy
        L.a = hash12(cx, cy, seed)
        L.b = hash12(cx + 1, cy, seed)
        L.d = hash12(cx, cy + 1, seed)
        L.e = hash12(cx + 1, cy + 1, seed)

cdef inline void fbm_chunk(Lat* L, const float* X, const float* Y, float* out, int octaves, int seed,
                           bint ridge) noexcept nogil:
    """out[i] = fbm(X[i], Y[i]) (or ridged() when `ridge`) for CH points; same values as fbm_c."""
    cdef float x[CH]
    cdef float y[CH]
    cdef float ix[CH]
    cdef float iy[CH]
    cdef float nv[CH]
    cdef float tot[CH]
    cdef float amp = 0.5
    cdef float norm = 0.0
    cdef float a, b, d, e, fx, fy, ux, uy, lower, upper, nx, r
    cdef int i, k
    cdef bint same
    for i in range(CH):
        x[i] = X[i]
        y[i] = Y[i]
        tot[i] = 0.0
    for k in range(8):
        if k >= octaves:
            break
        for i in range(CH):
            ix[i] = ffloor(x[i])
            iy[i] = ffloor(y[i])
        same = True
        for i in range(1, CH):
            same = same & (ix[i] == ix[0]) & (iy[i] == iy[0])
        if same:
            lat_fetch(&L[k], <int>ix[0], <int>iy[0], seed + k)
            a = L[k].a
            b = L[k].b
            d = L[k].d
            e = L[k].e
            for i in range(CH):
                fx = x[i] - ix[i]
                fy = y[i] - iy[i]
                ux = fx * fx * (<float>3.0 - <float>2.0 * fx)
                uy = fy * fy * (<float>3.0 - <float>2.0 * fy)
                lower = a + (b - a) * ux
                upper = d + (e - d) * ux
                nv[i] = lower + (upper - lower) * uy
        else:
            for i in range(CH):
                nv[i] = vn(&L[k], x[i], y[i], seed + k)
        if ridge:
            for i in range(CH):
                r = <float>1.0 - fabsf(<float>2.0 * nv[i] - <float>1.0)
                nv[i] = r * r
        for i in range(CH):
            tot[i] = tot[i] + amp * nv[i]
            nx = <float>1.6 * x[i] + <float>1.2 * y[i] + <float>3.1
            y[i] = <float>-1.2 * x[i] + <float>1.6 * y[i] + <float>1.7
            x[i] = nx
        norm = norm + amp
        amp = amp * <float>0.5
    for i in range(CH):
        out[i] = tot[i] / norm

cdef inline void noise_field_chunk(Lat* L0, Lat* L1, const float* U, float ratio, float scale, float y,
                                   float ox, float oy, int octaves, int seed, float* X, float* NX,
                                   float* NY) noexcept nogil:
    """A 2-D noise field over a chunk of a row, as the GLSL computes it: with p = (u * ratio * scale, y),
    NX = fbm(p, seed) and NY = fbm(p + (ox, oy), seed + 8); X receives p.x."""
    cdef float X1[CH]
    cdef float Y[CH]
    cdef float Y1[CH]
    cdef int i
    for i in range(CH):
        X[i] = U[i] * ratio * scale
        X1[i] = X[i] + ox
        Y[i] = y
        Y1[i] = y + oy
    fbm_chunk(L0, X, Y, NX, octaves, seed, False)
    fbm_chunk(L1, X1, Y1, NY, octaves, seed + 8, False)


cdef inline Rgb blend2(const Ctx* c, float au, float av, float bu, float bv, float m) noexcept nogil:
    """mix(getFromColor(a), getToColor(b), m), sampling only what a weight of 0 or 1 needs."""
    if m <= 0.0:
        return sample(&c.frm, au, av)
    if m >= 1.0:
        return sample(&c.to, bu, bv)
    return mix3(sample(&c.frm, au, av), sample(&c.to, bu, bv), m)


cdef inline int chunk_u(const Ctx* c, int x0, float* U) noexcept nogil:
    """U[i] = uv.x of pixel x0 + i (the row's last pixel repeated past its end); returns how many are real."""
    cdef int i, xi
    cdef int n = c.w - x0
    for i in range(CH):
        xi = x0 + i
        if xi > c.w - 1:
            xi = c.w - 1
        U[i] = (<float>xi + <float>0.5) / <float>c.w
    return n if n < CH else CH
