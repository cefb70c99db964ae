// Flash through white: the old scene burns out to `flash_color`, holds for `peak`, and the new scene develops out of it.
uniform vec3 flash_color; // = vec3(1.0, 1.0, 1.0)
uniform float peak; // = 0.1

vec4 transition(vec2 uv) {
    float h = max(0.5 - 0.5 * clamp(peak, 0.0, 1.0), 1e-4);
    float a = min(smoothstep(0.0, h, progress), smoothstep(0.0, h, 1.0 - progress));
    vec3 img = progress < 0.5 ? getFromColor(uv).rgb : getToColor(uv).rgb;
    // over-exposure: light is added first, then the frame washes out to the flash colour
    return vec4(mix(img + flash_color * a, flash_color, a * a), 1.0);
}
