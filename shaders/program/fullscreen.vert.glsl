#version 330 core
// One triangle that covers the viewport; no vertex buffer (gl_VertexID only).
const vec2 ENGINE_CORNERS[3] = vec2[3](vec2(-1.0, -1.0), vec2(3.0, -1.0), vec2(-1.0, 3.0));

void main() {
    gl_Position = vec4(ENGINE_CORNERS[gl_VertexID], 0.0, 1.0);
}
