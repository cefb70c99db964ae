// SDF iris: an aspect-correct circle opens from `center`; its edge glows and rings of light ripple behind it.
uniform vec2 center; // = vec2(0.5, 0.5)
uniform float smoothness; // = 0.02
uniform vec3 glow_color; // = vec3(1.0, 0.72, 0.35)
uniform float glow_strength; // = 1.0
uniform float ring_count; // = 3.0
uniform float ring_width; // = 0.15

vec4 transition(vec2 uv) {
    float s = max(smoothness, 1e-5);
    float w = max(ring_width, 1e-4);
    vec2 a = vec2(ratio, 1.0);
    float rmax = length(max(abs(center), abs(1.0 - center)) * a);
    // signed distance to the iris edge, in frame heights (negative inside, on the new scene)
    float sdf = length((uv - center) * a) - progress * (rmax + s);
    float m = 1.0 - smoothstep(-s, 0.0, sdf);
    vec4 col = mix(getFromColor(uv), getToColor(uv), m);
    float env = smoothstep(0.0, 0.15, progress) * smoothstep(0.0, 0.15, 1.0 - progress);
    float rim = exp(-abs(sdf) / (0.12 * w));
    float x = clamp(-sdf / w, 0.0, 1.0);
    float rings = (0.5 + 0.5 * cos(6.2831853 * (ring_count * x - 2.0 * progress))) * (1.0 - x) * (1.0 - x);
    float glow = max(glow_strength, 0.0) * env * (rim + 0.6 * rings * m);
    return vec4(col.rgb + glow_color * glow, 1.0);
}
