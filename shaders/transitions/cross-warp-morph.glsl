// Cross-warp morph: one noise field pushes the old scene one way and brings the new one in the other while a noise mask blends them.
#include "lib/noise.glsl"
uniform float strength; // = 0.2
uniform float scale; // = 2.5
uniform float smoothness; // = 0.3
uniform int octaves; // = 3
uniform int seed; // = 21

vec4 transition(vec2 uv) {
    float s = max(smoothness, 1e-4);
    vec2 p = vec2(uv.x * ratio, uv.y) * scale;
    vec2 n = vec2(fbm(p, octaves, seed), fbm(p + vec2(19.1, 7.7), octaves, seed + 8));
    vec2 field = (n * 2.0 - 1.0) * strength;
    vec4 a = getFromColor(uv - field * progress);
    vec4 b = getToColor(uv + field * (1.0 - progress));
    float k = smoothstep(0.25, 0.75, n.x);
    float t = progress * (1.0 + 2.0 * s) - s;
    float m = 1.0 - smoothstep(t - s, t + s, k);
    return mix(a, b, m);
}
