# Shared by every kernel module (included, not imported): frame access, the GLSL-like helpers
# the ports need, the integer-hash noise that matches shaders/lib/noise.glsl, and the row driver.
#
# Conventions, identical to the GLSL wrapper (shaders/program/*.frag.glsl):
# - frames are rgb48le, top row first; uv (0,0) is the bottom-left corner, (1,1) the top-right;
#   pixel (x, y) has uv ((x + 0.5) / w, 1 - (y + 0.5) / h);
# - sampling is bilinear in float with clamp-to-edge, channels scaled to [0, 1];
# - output is clamp(v, 0, 1) * 65535 rounded to nearest;
# - numeric parameters arrive in `c.p` in the order the GLSL file declares its uniforms,
#   vectors unrolled (vec3 -> 3 floats, bool -> 0.0 / 1.0).

from libc.math cimport floorf, sqrtf, sinf, cosf, expf, powf, fabsf, atan2f, fmodf
from cython.parallel cimport prange

ctypedef unsigned short u16

cdef struct Img:
    const u16* data
    int w
    int h

cdef struct Rgb:
    float r
    float g
    float b

cdef struct Ctx:
    Img frm
    Img to
    u16* out
    int w
    int h
    float progress
    float ratio
    const float* p
    # A kernel's progress-independent per-pixel values (noise fields), `nfield` floats per pixel:
    # read from `field` when set, else computed; `field_out` set: compute, store, blend nothing.
    const float* field
    float* field_out
    int nfield

ctypedef void (*RowKernel)(const Ctx* c, int y) noexcept nogil


cdef class Kernel:
    """An entry of a module's dispatch table (`TABLE`): a row function, the float parameters it
    reads, and the floats per pixel of its noise field (0: it has none)."""
    cdef RowKernel row
    cdef readonly int nparams
    cdef readonly int nfield


cdef Kernel row_kernel(RowKernel row, int nparams, int nfield=0):
    cdef Kernel k = Kernel.__new__(Kernel)
    k.row = row
    k.nparams = nparams
    k.nfield = nfield
    return k


cdef RowKernel kernel_for(str name):
    """The row function of kernel `name` in this module's TABLE, NULL if it has none."""
    cdef Kernel k = TABLE.get(name)
    return k.row if k is not None else NULL

cdef float INV65535 = <float>(1.0 / 65535.0)
cdef float PI = 3.14159265358979
cdef unsigned int HASH_M1 = 0x7feb352d
cdef unsigned int HASH_M2 = <unsigned int>0x846ca68b


# ---- GLSL-like scalar helpers ---------------------------------------------------------------

cdef inline float clampf(float v, float lo, float hi) noexcept nogil:
    return lo if v < lo else (hi if v > hi else v)

cdef inline float mixf(float a, float b, float t) noexcept nogil:
    return a + (b - a) * t

cdef inline float fractf(float v) noexcept nogil:
    return v - floorf(v)

cdef inline float smoothstep(float e0, float e1, float x) noexcept nogil:
    cdef float t = clampf((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)

cdef inline float stepf(float edge, float x) noexcept nogil:
    return 0.0 if x < edge else 1.0

cdef inline float maxf(float a, float b) noexcept nogil:
    return a if a > b else b

cdef inline float minf(float a, float b) noexcept nogil:
    return a if a < b else b

cdef inline float length2(float x, float y) noexcept nogil:
    return sqrtf(x * x + y * y)


# ---- colours ----------------------------------------------------------------------------------

cdef inline Rgb rgb(float r, float g, float b) noexcept nogil:
    cdef Rgb c
    c.r = r
    c.g = g
    c.b = b
    return c

cdef inline Rgb mix3(Rgb a, Rgb b, float t) noexcept nogil:
    return rgb(a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t)

cdef inline Rgb add3(Rgb a, Rgb b) noexcept nogil:
    return rgb(a.r + b.r, a.g + b.g, a.b + b.b)

cdef inline Rgb scale3(Rgb a, float s) noexcept nogil:
    return rgb(a.r * s, a.g * s, a.b * s)

cdef inline Rgb param3(const float* p, int i) noexcept nogil:
    return rgb(p[i], p[i + 1], p[i + 2])


# ---- frames -----------------------------------------------------------------------------------

cdef inline Rgb texel(const Img* im, int x, int y) noexcept nogil:
    cdef const u16* q = im.data + (<Py_ssize_t>y * im.w + x) * 3
    return rgb(q[0] * INV65535, q[1] * INV65535, q[2] * INV65535)

cdef inline float ffloor(float x) noexcept nogil:
    """floorf for |x| < 2^31 without a libm call (portable x86-64 builds lack SSE4.1 roundss)."""
    cdef float f = <float><int>x
    return f - <float>(f > x)

cdef inline Rgb sample(const Img* im, float u, float v) noexcept nogil:
    """Bilinear, clamp-to-edge, in float32; the GLSL wrapper's engine_sample()."""
    cdef float px = u * <float>im.w - <float>0.5
    cdef float py = (<float>1.0 - v) * <float>im.h - <float>0.5
    # clamp first: out-of-range or non-finite uv must never index out of the frame
    px = px if px > <float>-1.0 else <float>-1.0
    py = py if py > <float>-1.0 else <float>-1.0
    px = px if px < <float>im.w else <float>im.w
    py = py if py < <float>im.h else <float>im.h
    cdef float bx = ffloor(px)
    cdef float by = ffloor(py)
    cdef float fx = px - bx
    cdef float fy = py - by
    cdef int last_x = im.w - 1
    cdef int last_y = im.h - 1
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

cdef inline float sample_ch(const Img* im, float u, float v, int ch) noexcept nogil:
    """One channel of `sample` (bilinear, clamp-to-edge)."""
    cdef float px = u * <float>im.w - <float>0.5
    cdef float py = (<float>1.0 - v) * <float>im.h - <float>0.5
    px = px if px > <float>-1.0 else <float>-1.0
    py = py if py > <float>-1.0 else <float>-1.0
    px = px if px < <float>im.w else <float>im.w
    py = py if py < <float>im.h else <float>im.h
    cdef float bx = ffloor(px)
    cdef float by = ffloor(py)
    cdef float fx = px - bx
    cdef float fy = py - by
    cdef int x0, y0, x1, y1
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

cdef inline Rgb from_color(const Ctx* c, float u, float v) noexcept nogil:
    return sample(&c.frm, u, v)

cdef inline Rgb to_color(const Ctx* c, float u, float v) noexcept nogil:
    return sample(&c.to, u, v)

cdef inline u16 to_u16(float v) noexcept nogil:
    if not (v > <float>0.0):
        return 0
    if v >= <float>1.0:
        return 65535
    return <u16>(v * <float>65535.0 + <float>0.5)

cdef inline void put(const Ctx* c, int x, int y, Rgb col) noexcept nogil:
    cdef u16* q = c.out + (<Py_ssize_t>y * c.w + x) * 3
    q[0] = to_u16(col.r)
    q[1] = to_u16(col.g)
    q[2] = to_u16(col.b)

cdef inline float uv_u(const Ctx* c, int x) noexcept nogil:
    return (<float>x + <float>0.5) / <float>c.w

cdef inline float uv_v(const Ctx* c, int y) noexcept nogil:
    return <float>1.0 - (<float>y + <float>0.5) / <float>c.h


# ---- noise: keep in step with shaders/lib/noise.glsl -----------------------------------------

cdef inline unsigned int engine_hash(unsigned int x) noexcept nogil:
    x ^= x >> 16
    x *= HASH_M1
    x ^= x >> 15
    x *= HASH_M2
    x ^= x >> 16
    return x

cdef inline float hash12(int x, int y, int seed) noexcept nogil:
    cdef unsigned int h = engine_hash(<unsigned int>x ^ engine_hash(<unsigned int>y ^ engine_hash(<unsigned int>seed)))
    return <float>(h >> 8) * (1.0 / 16777216.0)

cdef inline float vnoise(float x, float y, int seed) noexcept nogil:
    cdef float ix = ffloor(x)
    cdef float iy = ffloor(y)
    cdef float fx = x - ix
    cdef float fy = y - iy
    cdef float ux = fx * fx * (<float>3.0 - <float>2.0 * fx)
    cdef float uy = fy * fy * (<float>3.0 - <float>2.0 * fy)
    cdef int cx = <int>ix
    cdef int cy = <int>iy
    cdef float a = hash12(cx, cy, seed)
    cdef float b = hash12(cx + 1, cy, seed)
    cdef float d = hash12(cx, cy + 1, seed)
    cdef float e = hash12(cx + 1, cy + 1, seed)
    cdef float lower = a + (b - a) * ux
    cdef float upper = d + (e - d) * ux
    return lower + (upper - lower) * uy

cdef inline float fbm(float x, float y, int octaves, int seed) noexcept nogil:
    cdef float total = 0.0
    cdef float amp = 0.5
    cdef float norm = 0.0
    cdef float nx
    cdef int k
    for k in range(8):
        if k >= octaves:
            break
        total = total + amp * vnoise(x, y, seed + k)
        norm = norm + amp
        nx = 1.6 * x + 1.2 * y + 3.1
        y = -1.2 * x + 1.6 * y + 1.7
        x = nx
        amp = amp * 0.5
    return total / norm


# ---- driver -----------------------------------------------------------------------------------

cdef void run_rows(const Ctx* c, RowKernel kernel, int threads) noexcept nogil:
    cdef int y
    if threads <= 1:
        for y in range(c.h):
            kernel(c, y)
    else:
        for y in prange(c.h, num_threads=threads, schedule="static"):
            kernel(c, y)


cdef float NO_PARAMS = 0.0

cdef void ctx_frames(Ctx* c, const u16[:, :, ::1] frm, const u16[:, :, ::1] to, u16[:, :, ::1] out,
                     float progress, float ratio, const float[::1] params):
    """Fill `c` for a blend of `frm` and `to` into `out`, with no noise field."""
    c.frm.data = &frm[0, 0, 0]
    c.frm.w = frm.shape[1]
    c.frm.h = frm.shape[0]
    c.to.data = &to[0, 0, 0]
    c.to.w = to.shape[1]
    c.to.h = to.shape[0]
    c.out = &out[0, 0, 0]
    c.w = out.shape[1]
    c.h = out.shape[0]
    c.progress = progress
    c.ratio = ratio
    c.p = &params[0] if params.shape[0] > 0 else &NO_PARAMS
    c.field = NULL
    c.field_out = NULL
    c.nfield = 0


def run(str name, const u16[:, :, ::1] frm, const u16[:, :, ::1] to, u16[:, :, ::1] out,
        float progress, float ratio, const float[::1] params, int threads):
    """Blend `frm` and `to` into `out` with the kernel `name` (see KERNELS); releases the GIL.

    Shapes and parameter counts are checked by engine.cpu_backend before this is called.
    """
    cdef RowKernel kernel = kernel_for(name)
    if kernel == NULL:
        raise KeyError(f"no CPU kernel {name!r} in {__name__}")
    cdef Ctx c
    ctx_frames(&c, frm, to, out, progress, ratio, params)
    with nogil:
        run_rows(&c, kernel, threads)
