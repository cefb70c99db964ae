"""Compiled CPU kernels (Cython sources beside their `.pyi` stubs; the package `engine.blend.kernels`). Imported through `engine.blend.cpu_backend`."""
