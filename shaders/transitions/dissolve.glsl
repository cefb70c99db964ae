// Noise dissolve: the new scene appears through a fine fractal-noise pattern with a soft edge.
#include "lib/noise.glsl"
uniform float smoothness; // = 0.08
uniform float scale; // = 40.0
uniform int octaves; // = 2
uniform int seed; // = 11

vec4 transition(vec2 uv) {
    float s = max(smoothness, 1e-4);
    float n = smoothstep(0.2, 0.8, fbm(vec2(uv.x * ratio, uv.y) * scale, octaves, seed));
    float t = progress * (1.0 + 2.0 * s) - s;
    float m = 1.0 - smoothstep(t - s, t + s, n);
    return mix(getFromColor(uv), getToColor(uv), m);
}
