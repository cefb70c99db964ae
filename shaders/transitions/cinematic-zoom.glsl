// Cinematic zoom: the camera punches into the old scene with a radial zoom blur and colour fringes, cuts at the peak, and settles on the new one.
uniform float strength; // = 0.5
uniform int samples; // = 10
uniform float chroma; // = 0.6
uniform vec2 center; // = vec2(0.5, 0.5)

vec4 transition(vec2 uv) {
    float p = progress;
    float k = max(strength, 0.0);
    float t = p < 0.5 ? 2.0 * p : 2.0 * (1.0 - p);
    // scale on screen: the old scene grows to 1 + k at the cut, the new one shrinks from it
    float zoom = 1.0 + k * t * t;
    float blur = 0.5 * k * t;
    float ch = clamp(chroma, 0.0, 1.0);
    int n = clamp(samples, 1, 64);
    float inv = n > 1 ? 1.0 / float(n - 1) : 0.0;
    float m = smoothstep(0.4, 0.6, p);
    vec3 acc = vec3(0.0);
    vec3 wsum = vec3(0.0);
    for (int i = 0; i < 64; i++) {
        if (i >= n) break;
        float s = n > 1 ? float(i) * inv - 0.5 : 0.0;
        // red trails towards the centre, blue away from it
        vec3 w = vec3(1.0 - 2.0 * ch * s, 1.0 - ch * abs(2.0 * s), 1.0 + 2.0 * ch * s) * (1.0 - abs(s));
        vec2 q = uv + (uv - center) * (1.0 / (zoom * (1.0 + blur * s)) - 1.0);
        acc += w * mix(getFromColor(q).rgb, getToColor(q).rgb, m);
        wsum += w;
    }
    return vec4(acc / wsum, 1.0);
}
