// Circle open: a soft-edged circle grows from `center` until it covers the frame, revealing the new scene.
uniform vec2 center; // = vec2(0.5, 0.5)
uniform float smoothness; // = 0.05

vec4 transition(vec2 uv) {
    float s = max(smoothness, 1e-5);
    vec2 a = vec2(ratio, 1.0);
    vec2 c0 = abs(center) * a;
    vec2 c1 = abs(vec2(1.0) - center) * a;
    float rmax = length(max(c0, c1));
    float d = length((uv - center) * a);
    float m = 1.0 - smoothstep(progress * (rmax + s) - s, progress * (rmax + s), d);
    return mix(getFromColor(uv), getToColor(uv), m);
}
