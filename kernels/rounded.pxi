# Rounded-rectangle clips of native video layers (included by composite.pyx and place_affine.pyx):
# a pixel's coverage by an interval (`coverage`, also the kernels' edge coverage), the rectangles as
# `_rounded` checks them from Python, each pixel's anti-aliased coverage by one (`rounded_coverage`),
# and the rows that need no per-pixel test (`plain_row`).

cdef inline float coverage(double lo, double hi, Py_ssize_t i) noexcept nogil:
    """The fraction of pixel [i, i + 1) inside [lo, hi)."""
    cdef double a = lo if lo > i else <double>i
    cdef double b = hi if hi < i + 1 else <double>(i + 1)
    return <float>(b - a) if b > a else 0.0


cdef struct RRect:
    # a rounded rectangle: its box and each corner's radii (top left, top right, bottom right,
    # bottom left), constrained to fit the box as CSS does; a corner with a zero radius is square
    double x0, y0, x1, y1
    double rx[4]
    double ry[4]


#: sub-scanlines per pixel row on which a rounded corner's coverage is measured (the horizontal
#: extent on each is exact)
SUB = 16
cdef enum:
    NSUB = 16


def _rounded(object value):
    """`value` checked: a sequence of rounded rectangles, each twelve finite numbers (x0, y0, x1,
    y1, then the horizontal and vertical radius of the top left, top right, bottom right and bottom
    left corners); radii constrained as CSS does (scaled down together so that adjacent corners do
    not overlap; a corner with either radius 0 is square). Boxes without a rounded corner are left
    out (they clip nothing the clip does not)."""
    if value is None:
        return []
    found = []
    try:
        entries = [tuple(float(v) for v in entry) for entry in value]
    except (TypeError, ValueError):
        raise ValueError(f"rounded must be a sequence of (x0, y0, x1, y1, rx_tl, ry_tl, rx_tr, ry_tr, "
                         f"rx_br, ry_br, rx_bl, ry_bl), got {value!r}") from None
    for entry in entries:
        if len(entry) != 12 or not all(math.isfinite(v) for v in entry):
            raise ValueError(f"each rounded clip must be twelve finite numbers (x0, y0, x1, y1 and four "
                             f"corners' rx, ry), got {entry!r}")
        x0, y0, x1, y1 = entry[:4]
        radii = list(entry[4:])
        if any(r < 0 for r in radii):
            raise ValueError(f"rounded clip radii must be 0 or more, got {entry!r}")
        if not (x1 > x0 and y1 > y0):
            raise ValueError(f"a rounded clip's box must have x1 > x0 and y1 > y0, got {entry!r}")
        for k in range(4):
            if radii[2 * k] == 0.0 or radii[2 * k + 1] == 0.0:
                radii[2 * k] = radii[2 * k + 1] = 0.0
        if not any(radii):
            continue
        w, h = x1 - x0, y1 - y0
        f = 1.0
        for side, total in ((w, radii[0] + radii[2]), (w, radii[6] + radii[4]),
                            (h, radii[1] + radii[7]), (h, radii[3] + radii[5])):
            if total > side:
                f = min(f, side / total)
        found.append((x0, y0, x1, y1, *(r * f for r in radii)))
    return found


cdef inline double inset(double rx, double ry, double d) noexcept nogil:
    """How far in from the box's side a corner of radii rx, ry reaches at depth `d` (0..ry) from
    the box's top or bottom edge."""
    cdef double t = (ry - d) / ry
    return rx * (1.0 - sqrt(1.0 - t * t)) if t < 1.0 else rx


cdef inline int corner_side(const RRect* q, int c, double j, double i) noexcept nogil:
    """Where pixel [j, j + 1) x [i, i + 1) lies against corner `c`'s ellipse, within its quarter:
    1 wholly inside (or the pixel misses the corner's box), -1 wholly outside, 0 across the curve."""
    cdef double rx = q.rx[c], ry = q.ry[c]
    cdef double cx = q.x0 + rx if c == 0 or c == 3 else q.x1 - rx
    cdef double cy = q.y0 + ry if c < 2 else q.y1 - ry
    # the corner's box: the quarter of the ellipse between its centre and the box's corner
    cdef double bx0 = q.x0 if c == 0 or c == 3 else cx, bx1 = cx if c == 0 or c == 3 else q.x1
    cdef double by0 = q.y0 if c < 2 else cy, by1 = cy if c < 2 else q.y1
    if rx <= 0.0 or j + 1.0 <= bx0 or j >= bx1 or i + 1.0 <= by0 or i >= by1:
        return 1
    cdef double fx = max(abs(j - cx), abs(j + 1.0 - cx)) / rx, fy = max(abs(i - cy), abs(i + 1.0 - cy)) / ry
    if fx * fx + fy * fy <= 1.0:
        return 1
    cdef double nx = 0.0 if j <= cx <= j + 1.0 else min(abs(j - cx), abs(j + 1.0 - cx)) / rx
    cdef double ny = 0.0 if i <= cy <= i + 1.0 else min(abs(i - cy), abs(i + 1.0 - cy)) / ry
    if nx * nx + ny * ny >= 1.0:
        return -1
    return 0


cdef float rounded_coverage(const RRect* q, Py_ssize_t col, Py_ssize_t row) noexcept nogil:
    """The fraction of pixel (col, row) inside rounded rectangle `q`: exact where no corner's
    curve crosses it, else the mean over NSUB sub-scanlines of the exact horizontal overlap."""
    cdef double j = <double>col, i = <double>row
    cdef float box = coverage(q.x0, q.x1, col) * coverage(q.y0, q.y1, row)
    cdef int c, side, across = 0
    if box <= 0.0:
        return 0.0
    for c in range(4):
        side = corner_side(q, c, j, i)
        if side < 0:
            return 0.0
        if side == 0:
            across = 1
    if not across:
        return box
    cdef double total = 0.0, y, lo, hi, a, b
    cdef int k
    for k in range(NSUB):
        y = i + (k + 0.5) / NSUB
        if y < q.y0 or y >= q.y1:
            continue
        lo = q.x0
        hi = q.x1
        if q.ry[0] > 0.0 and y < q.y0 + q.ry[0]:
            lo = q.x0 + inset(q.rx[0], q.ry[0], y - q.y0)
        elif q.ry[3] > 0.0 and y > q.y1 - q.ry[3]:
            lo = q.x0 + inset(q.rx[3], q.ry[3], q.y1 - y)
        if q.ry[1] > 0.0 and y < q.y0 + q.ry[1]:
            hi = q.x1 - inset(q.rx[1], q.ry[1], y - q.y0)
        elif q.ry[2] > 0.0 and y > q.y1 - q.ry[2]:
            hi = q.x1 - inset(q.rx[2], q.ry[2], q.y1 - y)
        a = lo if lo > j else j
        b = hi if hi < j + 1.0 else j + 1.0
        if b > a:
            total += b - a
    return <float>(total / NSUB)


cdef bint plain_row(const RRect* rr, int nrr, Py_ssize_t row, Py_ssize_t cx0, Py_ssize_t cx1) noexcept nogil:
    """True when frame row `row`, columns cx0..cx1 - 1, lies wholly inside every rounded clip,
    clear of their corners."""
    cdef int q
    for q in range(nrr):
        if rr[q].x0 > cx0 or rr[q].x1 < cx1 or row < rr[q].y0 + max(rr[q].ry[0], rr[q].ry[1]) \
                or row + 1 > rr[q].y1 - max(rr[q].ry[2], rr[q].ry[3]):
            return False
    return True
