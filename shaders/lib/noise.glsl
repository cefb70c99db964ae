// Noise shared by the built-in transitions. Integer hashing (lowbias32) so that the GPU and the
// Cython kernels (kernels/common.pxi) see the very same lattice values; smooth value noise and
// fBm on top. Keep in step with kernels/common.pxi: the parity tests compare them.
uint engine_hash(uint x) {
    x ^= x >> 16u; x *= 0x7feb352du;
    x ^= x >> 15u; x *= 0x846ca68bu;
    x ^= x >> 16u;
    return x;
}

// Uniform in [0, 1) from an integer lattice point and a seed; exact in float32.
float hash12(ivec2 p, int seed) {
    uint h = engine_hash(uint(p.x) ^ engine_hash(uint(p.y) ^ engine_hash(uint(seed))));
    return float(h >> 8u) * (1.0 / 16777216.0);
}

// Smooth value noise in [0, 1).
float vnoise(vec2 p, int seed) {
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * (3.0 - 2.0 * f);
    ivec2 c = ivec2(i);
    float a = hash12(c, seed);
    float b = hash12(c + ivec2(1, 0), seed);
    float d = hash12(c + ivec2(0, 1), seed);
    float e = hash12(c + ivec2(1, 1), seed);
    float lower = a + (b - a) * u.x;
    float upper = d + (e - d) * u.x;
    return lower + (upper - lower) * u.y;
}

// Fractal sum of `octaves` value-noise layers (1..8), normalised to [0, 1).
float fbm(vec2 p, int octaves, int seed) {
    float sum = 0.0;
    float amp = 0.5;
    float norm = 0.0;
    for (int k = 0; k < 8; k++) {
        if (k >= octaves) break;
        sum += amp * vnoise(p, seed + k);
        norm += amp;
        p = vec2(1.6 * p.x + 1.2 * p.y, -1.2 * p.x + 1.6 * p.y) + vec2(3.1, 1.7);
        amp *= 0.5;
    }
    return sum / norm;
}
