// Zoom: the old scene zooms in towards the centre, faster and faster, and fades into the new one.
// After gl-transitions' SimpleZoom (MIT): `strength` is how far it zooms (0..1, 1 = into a point).
uniform float strength; // = 0.8

vec4 transition(vec2 uv) {
    float k = clamp(strength, 0.0, 0.999);
    float a = smoothstep(0.0, 1.0, progress);
    vec2 z = 0.5 + (uv - 0.5) * (1.0 - k * a * a);
    return mix(getFromColor(z), getToColor(uv), smoothstep(0.45, 1.0, progress));
}
