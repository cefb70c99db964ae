// Swirl vortex: the picture twists into a vortex around `center`, tightest mid-way, and untwists on the new scene.
uniform float strength; // = 6.0
uniform float radius; // = 0.8
uniform vec2 center; // = vec2(0.5, 0.5)

vec4 transition(vec2 uv) {
    vec2 a = vec2(ratio, 1.0);
    vec2 d = (uv - center) * a;
    float f = clamp(1.0 - length(d) / max(radius, 1e-4), 0.0, 1.0);
    float env = smoothstep(0.0, 1.0, 1.0 - abs(2.0 * progress - 1.0));
    // rotation in radians: `strength` at the centre at the peak, easing to 0 at `radius`
    float theta = strength * env * f * f;
    float s = sin(theta);
    float c = cos(theta);
    vec2 q = uv + (vec2(c * d.x - s * d.y, s * d.x + c * d.y) - d) / a;
    return mix(getFromColor(q), getToColor(q), smoothstep(0.35, 0.65, progress));
}
