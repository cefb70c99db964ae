// Ripple waves: circular waves spread from `center`, rippling and shading both scenes while one fades into the other.
uniform float amplitude; // = 0.02
uniform float frequency; // = 8.0
uniform float speed; // = 3.0
uniform vec2 center; // = vec2(0.5, 0.5)

vec4 transition(vec2 uv) {
    vec2 a = vec2(ratio, 1.0);
    vec2 d = (uv - center) * a;
    float r = length(d);
    // waves per frame height `frequency`, travelling outwards `speed` wavelengths over the transition
    float phase = 6.2831853 * (frequency * r - speed * progress);
    float env = 4.0 * progress * (1.0 - progress) * amplitude;
    vec2 off = d * (sin(phase) * env / (r + 0.02)) / a;
    float m = smoothstep(0.25, 0.75, progress);
    vec4 col = mix(getFromColor(uv + off), getToColor(uv + off), m);
    return col * (1.0 + 3.0 * env * cos(phase));
}
