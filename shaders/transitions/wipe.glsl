// Directional wipe: a soft straight edge sweeps across along `direction`, revealing the new scene.
// After gl-transitions' directionalwipe (MIT), with a zero-direction guard.
uniform vec2 direction; // = vec2(1.0, 0.0)
uniform float smoothness; // = 0.05

vec4 transition(vec2 uv) {
    float s = max(smoothness, 1e-5);
    vec2 v = length(direction) > 0.0 ? normalize(direction) : vec2(1.0, 0.0);
    v /= abs(v.x) + abs(v.y);
    float d = v.x * 0.5 + v.y * 0.5;
    float m = 1.0 - smoothstep(-s, 0.0, v.x * uv.x + v.y * uv.y - (d - 0.5 + progress * (1.0 + s)));
    return mix(getFromColor(uv), getToColor(uv), m);
}
