"""GLSL sources shipped with the engine: `program/` holds the wrapper that turns a transition in
the gl-transitions contract into a full GLSL 330 program, `transitions/` the built-in
transitions, one file each. Loaded by name through `engine.registry`."""
