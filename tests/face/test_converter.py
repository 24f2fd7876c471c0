"""The committed weights are exactly what the converter produces from MediaPipe's .task file."""

from __future__ import annotations

from pathlib import Path

import pytest
from safetensors import safe_open

from inference.face.models import FaceModelConfig

TASK = Path(__file__).resolve().parents[3] / "shared" / "models" / "face_landmarker.task"


def test_converter_reproduces_committed_weights(tmp_path):
    if not TASK.is_file():
        pytest.skip(f"{TASK} not present")
    from inference.tools.convert_face_landmarker import main

    out = tmp_path / "fresh.safetensors"
    assert main(["--task", str(TASK), "--out", str(out)]) == 0
    committed = FaceModelConfig().weights
    with safe_open(str(out), "pt") as fresh, safe_open(str(committed), "pt") as kept:
        assert set(fresh.keys()) == set(kept.keys())
        assert fresh.metadata() == kept.metadata()
        for key in fresh.keys():  # noqa: SIM118 (safe_open is not a dict)
            assert fresh.get_tensor(key).equal(kept.get_tensor(key)), key


def test_committed_weights_cover_both_networks():
    with safe_open(str(FaceModelConfig().weights), "pt") as f:
        keys = list(f.keys())  # noqa: SIM118
        meta = f.metadata()
    assert sum(k.startswith("detector.") for k in keys) > 50
    assert sum(k.startswith("mesh.") for k in keys) > 250
    assert "mesh_blocks" in meta and meta["source_sha256"].startswith("64184e22")
