// Whip pan: a fast camera pan; the old scene flies out along `direction` and the new one arrives, motion-blurred mid-way.
// The push eases in and out (cubic); the blur (stratified taps) follows its speed: zero at both ends, peaking at the cut.
uniform vec2 direction; // = vec2(-1.0, 0.0)
uniform float blur; // = 0.3
uniform int samples; // = 12

#include "lib/noise.glsl"

// The slide composite with the scenes pushed by `s` (0..1) along o; one-pixel anti-aliased seam.
vec4 whipScene(vec2 uv, float s, vec2 o, vec2 px) {
    vec2 q = uv - s * o;
    vec2 cov = clamp(q / px + 0.5, 0.0, 1.0) * clamp((1.0 - q) / px + 0.5, 0.0, 1.0);
    vec2 e = 0.5 - o * (q - 0.5);
    vec2 t = uv + o * (step(1.0 - px, e) - s);
    return mix(getToColor(t), getFromColor(q), cov.x * cov.y);
}

vec4 transition(vec2 uv) {
    vec2 o = sign(direction);
    vec2 px = max(fwidth(uv), vec2(1e-6));
    float p = progress;
    float r = 1.0 - p;
    float pos = p < 0.5 ? 4.0 * p * p * p : 1.0 - 4.0 * r * r * r;
    float vel = p < 0.5 ? 4.0 * p * p : 4.0 * r * r;
    float len = max(blur, 0.0) * vel;
    int n = clamp(samples, 1, 64);
    if (len <= 0.0 || n < 2) {
        return whipScene(uv, pos, o, px);
    }
    vec4 acc = vec4(0.0);
    float wsum = 0.0;
    // stratified taps: each pixel shifts its comb by a hashed fraction of a tap spacing, which
    // turns the ghost copies of a few-tap blur into a fine grain
    float j = hash12(ivec2(floor(uv / px)), 7) - 0.5;
    float inv = 1.0 / float(n);
    for (int i = 0; i < 64; i++) {
        if (i >= n) break;
        float f = (float(i) + 0.5 + j) * inv - 0.5;
        float w = 1.0 - abs(f);
        acc += w * whipScene(uv, pos + f * len, o, px);
        wsum += w;
    }
    return acc / wsum;
}
