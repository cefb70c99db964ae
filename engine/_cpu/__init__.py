"""Compiled CPU kernels (Cython, from ``kernels/``). Import through `engine.cpu_backend`."""
