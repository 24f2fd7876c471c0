#!/usr/bin/env bash
# Create .venv-stone: the runtime venv's packages plus the `skin-tone-classifier` peer (`stone`) for
# benchmarks/skin_tone.py.
#
# Why not .venv-bench: stone calls cv2.CascadeClassifier, which opencv 5 (pulled in by mediapipe there, and by
# stone's own dependency on opencv-python) no longer ships. Chaining to .venv reuses its opencv-python-headless 4.x,
# and --no-deps keeps pip from installing opencv-python 5 over it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
test -x .venv/bin/python || { echo "create the runtime venv first" >&2; exit 1; }
test -d .venv-stone || "$PY" -m venv .venv-stone
runtime_site=$(.venv/bin/python -c 'import site; print(site.getsitepackages()[0])')
stone_site=$(.venv-stone/bin/python -c 'import site; print(site.getsitepackages()[0])')
echo "$runtime_site" > "$stone_site/facet-runtime.pth"
.venv-stone/bin/pip install --no-deps skin-tone-classifier==1.2.6 colormath==3.0.0 colorama==0.4.6
.venv-stone/bin/python -c 'import stone, cv2; cv2.CascadeClassifier; print("stone env ok", cv2.__version__)'
