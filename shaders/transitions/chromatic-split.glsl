// Chromatic split: red and blue pull apart along `angle`, the scene changes while they are split, and they snap back together on the new one.
uniform float amount; // = 0.04
uniform float angle; // = 0.0

vec4 transition(vec2 uv) {
    float env = smoothstep(0.0, 1.0, 1.0 - abs(2.0 * progress - 1.0));
    float t = radians(angle);
    // `amount` in frame heights at the peak; `angle` in degrees, 0 = horizontal
    vec2 off = vec2(cos(t) / ratio, sin(t)) * (amount * env);
    float m = smoothstep(0.35, 0.65, progress);
    vec3 f = vec3(getFromColor(uv - off).r, getFromColor(uv).g, getFromColor(uv + off).b);
    vec3 g = vec3(getToColor(uv - off).r, getToColor(uv).g, getToColor(uv + off).b);
    return vec4(mix(f, g, m), 1.0);
}
