// Heat haze: the picture shimmers as if seen through rising hot air while it crossfades to the new scene.
#include "lib/noise.glsl"
uniform float strength; // = 0.02
uniform float scale; // = 7.0
uniform float speed; // = 1.5
uniform int octaves; // = 2
uniform int seed; // = 13

vec4 transition(vec2 uv) {
    float env = 4.0 * progress * (1.0 - progress);
    vec2 q = vec2(uv.x * ratio * scale, (uv.y - progress * speed) * scale * 1.6);
    float nx = fbm(q, octaves, seed);
    float ny = fbm(q + vec2(7.3, 3.1), octaves, seed + 8);
    float amount = strength * env * (1.3 - 0.6 * uv.y);
    vec2 d = vec2(nx - 0.5, 0.5 * (ny - 0.5)) * (2.0 * amount);
    vec2 s = uv + d;
    float m = smoothstep(0.15, 0.85, progress);
    return mix(getFromColor(s), getToColor(s), m);
}
