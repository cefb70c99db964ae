// Wrapper tail: one fragment per output pixel, row 0 of the output is the image's top row.
void main() {
    vec2 uv = vec2(gl_FragCoord.x / engine_size.x, 1.0 - gl_FragCoord.y / engine_size.y);
    engine_frag_color = vec4(clamp(transition(uv).rgb, 0.0, 1.0), 1.0);
}
