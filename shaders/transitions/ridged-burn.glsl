// Ridged burn: a ridged-noise burn front eats the old scene, charring it ahead of a glowing heat ramp with sparks.
#include "lib/noise.glsl"
uniform float scale; // = 3.0
uniform float burn_width; // = 0.14
uniform vec3 char_color; // = vec3(0.05, 0.025, 0.015)
uniform vec3 red_color; // = vec3(0.7, 0.06, 0.02)
uniform vec3 orange_color; // = vec3(1.0, 0.42, 0.05)
uniform vec3 hot_color; // = vec3(1.0, 0.9, 0.55)
uniform float sparks; // = 1.0
uniform int octaves; // = 3
uniform int seed; // = 5

// Ridged fBm: layers of 1 - |2n - 1| (sharp crests where the value noise crosses 0.5), squared.
float ridged(vec2 p, int oct, int sd) {
    float sum = 0.0;
    float amp = 0.5;
    float norm = 0.0;
    for (int k = 0; k < 8; k++) {
        if (k >= oct) break;
        float r = 1.0 - abs(2.0 * vnoise(p, sd + k) - 1.0);
        sum += amp * r * r;
        norm += amp;
        p = vec2(1.6 * p.x + 1.2 * p.y, -1.2 * p.x + 1.6 * p.y) + vec2(3.1, 1.7);
        amp *= 0.5;
    }
    return sum / norm;
}

vec4 transition(vec2 uv) {
    float w = max(burn_width, 1e-4);
    vec2 a = vec2(uv.x * ratio, uv.y);
    vec2 p = a * scale;
    float f = smoothstep(0.15, 0.85, 0.25 * vnoise(p * 0.35, seed + 9) + 0.75 * (1.0 - ridged(p, octaves, seed)));
    float t = progress * (1.0 + 2.0 * w) - w;
    float e = f - t;
    float x = clamp(e / w, 0.0, 1.0);
    vec3 from = getFromColor(uv).rgb;
    vec3 charred = mix(char_color, from, smoothstep(0.15, 0.9, x));
    float heat = 1.0 - smoothstep(0.0, 0.3, x);
    vec3 ramp = mix(red_color, orange_color, smoothstep(0.15, 0.6, heat));
    ramp = mix(ramp, hot_color, smoothstep(0.6, 1.0, heat));
    vec3 paper = mix(charred, ramp, heat);
    float m = 1.0 - smoothstep(-0.12 * w, 0.0, e);
    float spill = m * (1.0 - smoothstep(0.0, 0.35 * w, -e));
    vec3 col = mix(paper, getToColor(uv).rgb, m) + orange_color * (0.8 * spill);
    vec2 sp = vec2(a.x, a.y - 0.3 * progress) * 32.0;
    vec2 cell = floor(sp);
    ivec2 ic = ivec2(cell);
    float h = hash12(ic, seed + 101);
    vec2 off = vec2(hash12(ic, seed + 102), hash12(ic, seed + 103)) * 0.5 + 0.25;
    float spark = (1.0 - smoothstep(0.0, 0.22, length(sp - cell - off))) * smoothstep(0.86, 0.9, h);
    float near = 1.0 - smoothstep(0.0, w, abs(e));
    return vec4(col + hot_color * (2.0 * sparks * spark * near), 1.0);
}
