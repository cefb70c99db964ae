#!/usr/bin/env bash
# Run HERE (the development machine) once before bench/gpu/run_on_device.sh: fetches what the lent
# GPU machine lacks and cannot download (it reaches nothing outside itself) into two folders that
# git ignores and the device call carries: .gl (the GL/EGL loader packages) and .whl (moderngl and
# glcontext wheels for its Python 3.12). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
for d in /.gl/ /.whl/; do grep -qxF "$d" .git/info/exclude || echo "$d" >> .git/info/exclude; done
mkdir -p .gl .whl /tmp/amd64/partial
if ! ls .gl/libegl1_*.deb >/dev/null 2>&1; then
    o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
    apt-get $o update -qq
    (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
if ! ls .whl/moderngl-*.whl >/dev/null 2>&1; then
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        -d .whl moderngl glcontext
fi
du -sh .gl .whl
