// Domain-warp reveal: fBm warped by fBm (after Inigo Quilez) shapes a flowing front with a glowing noise edge.
#include "lib/noise.glsl"
uniform vec3 edge_color; // = vec3(1.0, 0.5, 0.15)
uniform float edge_width; // = 0.06
uniform float warp; // = 4.0
uniform float scale; // = 2.5
uniform int octaves; // = 3
uniform int seed; // = 3

vec4 transition(vec2 uv) {
    float w = max(edge_width, 1e-4);
    vec2 p = vec2(uv.x * ratio, uv.y) * scale;
    vec2 q = vec2(fbm(p, octaves, seed), fbm(p + vec2(5.2, 1.3), octaves, seed + 8));
    float f = smoothstep(0.2, 0.8, fbm(p + warp * q, octaves, seed + 16));
    float t = progress * (1.0 + 2.0 * w) - w;
    float d = f - t;
    float m = 1.0 - smoothstep(-0.3 * w, 0.3 * w, d);
    float g = 1.0 - smoothstep(0.0, w, abs(d));
    float env = 4.0 * progress * (1.0 - progress);
    vec2 disp = (q - 0.5) * (0.06 * env);
    vec3 a = getFromColor(uv + disp).rgb;
    vec3 b = getToColor(uv - disp).rgb;
    vec3 col = mix(a, b, m);
    float glow = g * g * (0.3 + 0.9 * q.y);
    return vec4(col + edge_color * (glow * (1.0 + g * g)), 1.0);
}
