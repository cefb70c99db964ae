// Gravitational lens: a black hole grows at `center`, bending the old scene into an Einstein ring with a colour split; the new scene emerges as it fades.
uniform vec2 center; // = vec2(0.5, 0.5)
uniform float strength; // = 0.22
uniform float chroma; // = 0.1

vec4 transition(vec2 uv) {
    vec2 a = vec2(ratio, 1.0);
    vec2 d = (uv - center) * a;
    float r = max(length(d), 1e-4);
    float env = smoothstep(0.0, 0.5, progress) * smoothstep(0.0, 0.5, 1.0 - progress);
    // Einstein radius in frame heights; a point mass shows at distance r what lies at r - re^2 / r
    float re = max(strength, 0.0) * env;
    vec2 k = d * (re * re / (r * r)) / a;
    float c = clamp(chroma, 0.0, 0.5);
    vec2 kr = k * (1.0 + c);
    vec2 kb = k * (1.0 - c);
    float m = smoothstep(0.4, 0.6, progress);
    vec3 f = vec3(getFromColor(uv - kr).r, getFromColor(uv - k).g, getFromColor(uv - kb).b);
    vec3 g = vec3(getToColor(uv - kr).r, getToColor(uv - k).g, getToColor(uv - kb).b);
    // the event horizon: a black disc half the Einstein radius across
    float hole = smoothstep(0.4 * re, 0.6 * re + 1e-5, r);
    return vec4(mix(f, g, m) * hole, 1.0);
}
