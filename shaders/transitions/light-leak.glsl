// Light leak: warm film light blooms in from the side with a drifting flare and washes over the cut to the new scene.
#include "lib/noise.glsl"
uniform vec3 leak_color; // = vec3(1.0, 0.42, 0.1)
uniform vec3 flare_color; // = vec3(1.0, 0.82, 0.55)
uniform float intensity; // = 1.0
uniform float scale; // = 1.6
uniform int octaves; // = 3
uniform int seed; // = 17

vec4 transition(vec2 uv) {
    float w = 4.0 * progress * (1.0 - progress);
    float env = intensity * w;
    vec2 a = vec2(uv.x * ratio, uv.y);
    vec2 c = vec2((1.4 * progress - 0.2) * ratio, 0.7 - 0.3 * progress);
    float n = fbm(a * scale + vec2(-1.2 * progress, 0.4 * progress), octaves, seed);
    float blobs = smoothstep(0.3, 0.75, n);
    vec2 d = a - c;
    float r2 = dot(d, d);
    float leak = (0.35 + 0.9 * blobs) / (1.0 + 2.5 * r2);
    float core = 1.0 / (1.0 + 60.0 * r2);
    float streak = 1.0 / (1.0 + 900.0 * d.y * d.y + 1.5 * d.x * d.x);
    vec3 light = leak_color * (leak * env * 1.4) + flare_color * ((0.9 * core + 0.6 * streak) * env);
    float cut = smoothstep(0.38, 0.62, progress);
    vec3 base = mix(getFromColor(uv).rgb, getToColor(uv).rgb, cut);
    return vec4(1.0 - (1.0 - base) * (1.0 - clamp(light, 0.0, 1.0)), 1.0);
}
