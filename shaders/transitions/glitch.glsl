// Digital glitch: rows and blocks jump sideways, RGB channels split and scanlines flicker while it cuts to the new scene.
#include "lib/noise.glsl"
uniform float intensity; // = 1.0
uniform float blocks; // = 10.0
uniform float rgb_shift; // = 0.025
uniform float scanlines; // = 0.3
uniform int seed; // = 9

vec4 transition(vec2 uv) {
    float w = 4.0 * progress * (1.0 - progress);
    float amt = intensity * w * w;
    int ts = int(floor(progress * 14.0));
    // thin rows jump sideways
    int row = int(floor(uv.y * 40.0 + 0.37));
    float hr = hash12(ivec2(row, ts), seed);
    float rowOn = smoothstep(1.0 - 0.4 * amt, 1.02 - 0.4 * amt, hr);
    float shift = (hash12(ivec2(row, ts), seed + 1) - 0.5) * 0.12 * amt * rowOn;
    // wide blocks jump, split harder and may show the other scene
    ivec2 blk = ivec2(floor(vec2(uv.x * ratio * blocks * 0.4 + 0.21, uv.y * blocks + 0.43)));
    blk.x += ts * 1009;
    float hb = hash12(blk, seed + 2);
    float blockOn = smoothstep(1.0 - 0.3 * amt, 1.02 - 0.3 * amt, hb);
    shift += (hash12(blk, seed + 3) - 0.5) * 0.3 * amt * blockOn;
    float flip = blockOn * smoothstep(0.45, 0.55, hash12(blk, seed + 4));
    float cut = smoothstep(0.44, 0.56, progress);
    float m = mix(cut, 1.0 - cut, flip);
    float o = rgb_shift * amt * (1.0 + 2.0 * blockOn);
    vec2 base = vec2(uv.x + shift, uv.y);
    vec2 ur = base + vec2(o, 0.0);
    vec2 ub = base - vec2(o, 0.0);
    float r = mix(getFromColor(ur).r, getToColor(ur).r, m);
    float g = mix(getFromColor(base).g, getToColor(base).g, m);
    float b = mix(getFromColor(ub).b, getToColor(ub).b, m);
    float sl = 0.5 + 0.5 * sin(6.2831853 * fract(uv.y * 135.0));
    return vec4(vec3(r, g, b) * (1.0 - scanlines * amt * sl), 1.0);
}
