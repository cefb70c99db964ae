#version 330 core
// Wrapper head: what the gl-transitions contract provides to a transition.
// uv (0,0) is the image's bottom-left corner, (1,1) its top-right; frames are stored top row
// first, so sampling flips y. Bilinear filtering is done here in float from texelFetch: it is
// exact at texel centres and identical on every GPU (hardware filtering uses 8-bit weights),
// and it is what the CPU kernels compute.
uniform sampler2D engine_from;
uniform sampler2D engine_to;
uniform vec2 engine_size;
uniform float progress;
uniform float ratio;
uniform float _fromR;
uniform float _toR;
out vec4 engine_frag_color;

#define texture2D texture

vec4 engine_sample(sampler2D tex, vec2 uv) {
    vec2 p = vec2(uv.x, 1.0 - uv.y) * engine_size - 0.5;
    vec2 base = floor(p);
    vec2 f = p - base;
    ivec2 last = ivec2(engine_size) - 1;
    ivec2 lo = clamp(ivec2(base), ivec2(0), last);
    ivec2 hi = clamp(ivec2(base) + 1, ivec2(0), last);
    vec3 c00 = texelFetch(tex, lo, 0).rgb;
    vec3 c10 = texelFetch(tex, ivec2(hi.x, lo.y), 0).rgb;
    vec3 c01 = texelFetch(tex, ivec2(lo.x, hi.y), 0).rgb;
    vec3 c11 = texelFetch(tex, hi, 0).rgb;
    vec3 top = c00 + (c10 - c00) * f.x;
    vec3 bottom = c01 + (c11 - c01) * f.x;
    return vec4(top + (bottom - top) * f.y, 1.0);
}

vec4 getFromColor(vec2 uv) { return engine_sample(engine_from, uv); }
vec4 getToColor(vec2 uv) { return engine_sample(engine_to, uv); }
