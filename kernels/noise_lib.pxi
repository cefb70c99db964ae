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
    cdef float ix = floorf(x)
    cdef float iy = floorf(y)
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

cdef inline float ffloor(float x) noexcept nogil:
    """floorf for |x| < 2^31, branch-free (vectorises without SSE4.1)."""
    cdef float f = <float><int>x
    return f - <float>(f > x)

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

cdef inline float sample_ch(const Img* im, float u, float v, int ch) noexcept nogil:
    """One channel of `sample` (bilinear, clamp-to-edge)."""
    cdef float px = u * im.w - 0.5
    cdef float py = (1.0 - v) * im.h - 0.5
    cdef float bx = floorf(px)
    cdef float by = floorf(py)
    cdef float fx = px - bx
    cdef float fy = py - by
    cdef int x0, y0, x1, y1
    bx = clampf(bx, -1.0, <float>im.w)
    by = clampf(by, -1.0, <float>im.h)
    x0 = <int>bx
    y0 = <int>by
    x1 = x0 + 1
    y1 = y0 + 1
    x0 = 0 if x0 < 0 else (im.w - 1 if x0 > im.w - 1 else x0)
    x1 = 0 if x1 < 0 else (im.w - 1 if x1 > im.w - 1 else x1)
    y0 = 0 if y0 < 0 else (im.h - 1 if y0 > im.h - 1 else y0)
    y1 = 0 if y1 < 0 else (im.h - 1 if y1 > im.h - 1 else y1)
    if not (fx == fx):
        fx = 0.0
    if not (fy == fy):
        fy = 0.0
    cdef const u16* r0 = im.data + <Py_ssize_t>y0 * im.w * 3 + ch
    cdef const u16* r1 = im.data + <Py_ssize_t>y1 * im.w * 3 + ch
    cdef float c00 = r0[x0 * 3] * INV65535
    cdef float c10 = r0[x1 * 3] * INV65535
    cdef float c01 = r1[x0 * 3] * INV65535
    cdef float c11 = r1[x1 * 3] * INV65535
    cdef float top = c00 + (c10 - c00) * fx
    cdef float bottom = c01 + (c11 - c01) * fx
    return top + (bottom - top) * fy

cdef inline Rgb bilerp(const Img* im, float u, float v) noexcept nogil:
    """`sample` (bilinear, clamp-to-edge) in float32 with branch-free clamps."""
    cdef float px = u * <float>im.w - <float>0.5
    cdef float py = (<float>1.0 - v) * <float>im.h - <float>0.5
    cdef float bx = floorf(px)
    cdef float by = floorf(py)
    cdef float fx = px - bx
    cdef float fy = py - by
    cdef int last_x = im.w - 1
    cdef int last_y = im.h - 1
    bx = bx if bx > <float>-1.0 else <float>-1.0
    by = by if by > <float>-1.0 else <float>-1.0
    bx = bx if bx < <float>im.w else <float>im.w
    by = by if by < <float>im.h else <float>im.h
    cdef int x0 = <int>bx
    cdef int y0 = <int>by
    cdef int x1 = x0 + 1
    cdef int y1 = y0 + 1
    x0 = x0 if x0 > 0 else 0
    y0 = y0 if y0 > 0 else 0
    x1 = x1 if x1 < last_x else last_x
    y1 = y1 if y1 < last_y else last_y
    x0 = x0 if x0 < last_x else last_x
    y0 = y0 if y0 < last_y else last_y
    x1 = x1 if x1 > 0 else 0
    y1 = y1 if y1 > 0 else 0
    fx = fx if fx == fx else <float>0.0
    fy = fy if fy == fy else <float>0.0
    cdef const u16* r0 = im.data + <Py_ssize_t>y0 * im.w * 3
    cdef const u16* r1 = im.data + <Py_ssize_t>y1 * im.w * 3
    cdef const u16* a = r0 + x0 * 3
    cdef const u16* b = r0 + x1 * 3
    cdef const u16* d = r1 + x0 * 3
    cdef const u16* e = r1 + x1 * 3
    cdef float top, bottom
    cdef Rgb out
    top = <float>a[0] + (<float>b[0] - <float>a[0]) * fx
    bottom = <float>d[0] + (<float>e[0] - <float>d[0]) * fx
    out.r = (top + (bottom - top) * fy) * INV65535
    top = <float>a[1] + (<float>b[1] - <float>a[1]) * fx
    bottom = <float>d[1] + (<float>e[1] - <float>d[1]) * fx
    out.g = (top + (bottom - top) * fy) * INV65535
    top = <float>a[2] + (<float>b[2] - <float>a[2]) * fx
    bottom = <float>d[2] + (<float>e[2] - <float>d[2]) * fx
    out.b = (top + (bottom - top) * fy) * INV65535
    return out

cdef inline Rgb blend2(const Ctx* c, float au, float av, float bu, float bv, float m) noexcept nogil:
    """mix(getFromColor(a), getToColor(b), m), sampling only what a weight of 0 or 1 needs."""
    if m <= 0.0:
        return bilerp(&c.frm, au, av)
    if m >= 1.0:
        return bilerp(&c.to, bu, bv)
    return mix3(bilerp(&c.frm, au, av), bilerp(&c.to, bu, bv), m)


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
