#!/usr/bin/env bash
# The GPU check in one call on the lent machine (after bench/gpu/prepare.sh here):
#
#   device run, carry [".gl", ".whl"], command: bash bench/gpu/run_on_device.sh
#
# Unpacks the GL loaders, installs the carried wheels, builds the Cython kernels with the
# machine's compiler, runs the GL-vs-CPU parity tests on the GPU, then bench/gpu_check.py at
# 1080p and 2160p (tables last; JSON under $OUT).
set -uo pipefail
cd "$(dirname "$0")/../.."
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH="/tmp/site:$PWD" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 setup.py -q build_ext --inplace 2>&1 | tail -3   # into kernels/ (engine.blend.kernels)
# Without an install, the two root folders that pyproject.toml maps into the package are linked in:
ln -sfn ../../kernels engine/blend/kernels
ln -sfn ../../shaders engine/blend/shaders
python3 -m pytest tests/test_transition_parity.py tests/test_blend_api.py -q -p no:cacheprovider 2>&1 | tail -5
out="${OUT:-/tmp}"
python3 bench/gpu_check.py --size 1080p --json "$out/gpu_1080p.json"
python3 bench/gpu_check.py --size 2160p --rounds 5 --json "$out/gpu_2160p.json"
