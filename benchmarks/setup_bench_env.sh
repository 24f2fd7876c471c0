#!/usr/bin/env bash
# Create .venv-bench: the runtime venv's packages plus the benchmark peers (mediapipe, tflite, facenet-pytorch).
#
# Why a separate venv: mediapipe depends on opencv-contrib-python, whose cv2 would overwrite the runtime's
# opencv-python-headless, and facenet-pytorch pins an old torch/numpy. Instead of copying the multi-GB torch install,
# .venv-bench chains to .venv's site-packages through a .pth file (its own site-packages come first, so its cv2 wins).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
test -x .venv/bin/python || { echo "create the runtime venv first: $PY -m venv .venv && .venv/bin/pip install -r requirements-dev.txt" >&2; exit 1; }
test -d .venv-bench || "$PY" -m venv .venv-bench
runtime_site=$(.venv/bin/python -c 'import site; print(site.getsitepackages()[0])')
bench_site=$(.venv-bench/bin/python -c 'import site; print(site.getsitepackages()[0])')
echo "$runtime_site" > "$bench_site/facet-runtime.pth"
.venv-bench/bin/pip install -r requirements-bench.txt
.venv-bench/bin/pip install --no-deps facenet-pytorch==2.6.0
.venv-bench/bin/python -c 'import mediapipe, tflite, facenet_pytorch, torch, cv2; print("bench env ok", mediapipe.__version__, torch.__version__, cv2.__version__)'
