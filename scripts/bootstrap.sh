#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian machine for the engine:
#   1. Debian packages: Mesa EGL (headless GL), Chromium, fonts, a C compiler.
#   2. A virtual environment at .venv in the repository root.
#   3. An editable install with the test extra, which compiles the Cython kernels.
# Safe to run again: each step is skipped when it is already satisfied.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

apt_packages=(libegl1 libgl1 libgl1-mesa-dri chromium chromium-headless-shell fonts-dejavu-core fonts-liberation2
              fonts-noto-core gcc python3-dev)
missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm's own client fills the engine's npm cache of CDN libraries (engine.vendor); any npm on PATH will do.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv"
    "$python" -m venv .venv
fi

# Re-install only when the project's metadata or kernels changed since the last install.
stamp=.venv/.engine-install-stamp
digest="$(cat pyproject.toml setup.py kernels/*.pyx kernels/*.pxi kernels/*.h 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ] || ! .venv/bin/python -c "import engine.blend.kernels.crossfade" 2>/dev/null; then
    echo "bootstrap: installing the engine (editable) and its test extra"
    .venv/bin/python -m pip install -q --upgrade pip setuptools wheel
    .venv/bin/python -m pip install -q -e ".[test]"
    echo "$digest" > "$stamp"
fi
# The TypeScript compiler for make lint's check of the page runtime (engine/capture/*.js, tsconfig.json),
# pinned, in the git-ignored .tools/ (nothing global); skipped without npm (make lint then says so).
typescript_version=5.9.3
if ! command -v npm >/dev/null 2>&1; then
    echo "bootstrap: npm is not installed: skipping TypeScript $typescript_version (make lint skips its check of engine/capture/*.js)"
elif [ "$(.tools/node_modules/.bin/tsc --version 2>/dev/null)" != "Version $typescript_version" ]; then
    echo "bootstrap: installing TypeScript $typescript_version into .tools/"
    npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error "typescript@$typescript_version"
fi
echo "bootstrap: ready ($(.venv/bin/python -c 'import engine; print(engine.__version__)'))"
