// Slide: the new scene pushes the old one out along `direction` (the way both scenes move).
// Each axis with a non-zero component pushes by a full frame (oblique directions tile); the seam is a one-pixel anti-aliased ramp.
uniform vec2 direction; // = vec2(-1.0, 0.0)

vec4 transition(vec2 uv) {
    vec2 o = sign(direction);
    vec2 px = max(fwidth(uv), vec2(1e-6));
    vec2 q = uv - progress * o;
    // coverage of the old scene: a one-pixel linear ramp across each edge of its frame
    vec2 cov = clamp(q / px + 0.5, 0.0, 1.0) * clamp((1.0 - q) / px + 0.5, 0.0, 1.0);
    // the new scene sits one frame behind the old one, on the side it comes from
    vec2 e = 0.5 - o * (q - 0.5);
    vec2 t = uv + o * (step(1.0 - px, e) - progress);
    return mix(getToColor(t), getFromColor(q), cov.x * cov.y);
}
