from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from inference.tryon.generator import generate_eyewear_photo
from tests.tryon import synthetic
from tests.tryon.conftest import small

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "inference", "tryon", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.fixture(scope="module")
def face_path(tmp_path_factory, astronaut) -> Path:
    path = tmp_path_factory.mktemp("cli") / "face.png"
    Image.fromarray(astronaut).save(path)
    return path


def test_cli_renders_a_try_on(tmp_path, face_path):
    product = tmp_path / "frame.jpg"
    generate_eyewear_photo(small("wayfarer"))[0].save(product, quality=92)
    out = tmp_path / "out.jpg"
    result = _run(
        str(face_path),
        str(product),
        "-o",
        str(out),
        "--frame-mm",
        "52-18-145",
        "--save-asset",
        str(tmp_path / "asset"),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Image.open(out).size == Image.open(face_path).size
    assert len(report["placement"]["homography"]) == 3
    assert report["placement"]["fit"] in {"fits", "narrow", "wide"}
    assert (tmp_path / "asset.png").exists() and json.loads((tmp_path / "asset.json").read_text())[
        "lens_centres"
    ]


def test_cli_reports_a_rejected_product(tmp_path, face_path):
    product = tmp_path / "turned.png"
    synthetic.three_quarter_view(small("rectangle")).save(product)
    result = _run(str(face_path), str(product), "-o", str(tmp_path / "out.jpg"))
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "not_front_view"
    assert not (tmp_path / "out.jpg").exists()
