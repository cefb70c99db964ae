// Linear mix of the two scenes: from * (1 - progress) + to * progress.
vec4 transition(vec2 uv) {
    return mix(getFromColor(uv), getToColor(uv), progress);
}
