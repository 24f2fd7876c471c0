"""load_rgb input handling and the runtime's load-once model cache."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from PIL import Image

from inference import runtime
from inference.errors import ImageUnreadableError
from inference.face.networks import same_pad
from inference.imageio import load_rgb


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_load_rgb_accepts_every_input_kind(tmp_path):
    rgb = np.random.default_rng(1).integers(0, 255, (20, 30, 3), dtype=np.uint8)
    pil = Image.fromarray(rgb)
    path = tmp_path / "x.png"
    pil.save(path)
    for source in (rgb, pil, _png(pil), path, str(path)):
        out = load_rgb(source)
        assert out.dtype == np.uint8 and out.shape == (20, 30, 3)
        np.testing.assert_array_equal(out, rgb)


def test_load_rgb_converts_grey_alpha_and_float():
    grey = load_rgb(np.full((5, 6), 77, np.uint8))
    assert grey.shape == (5, 6, 3) and (grey == 77).all()
    rgba = load_rgb(_png(Image.new("RGBA", (4, 4), (255, 0, 0, 0))))
    assert (rgba == 255).all()  # fully transparent → white background
    # See-through pixels keep their own colour: blending a selfie with white changed its skin.
    half = load_rgb(_png(Image.new("RGBA", (4, 4), (200, 150, 120, 128))))
    assert (half == [200, 150, 120]).all()
    assert (load_rgb(np.full((2, 2, 4), [200, 150, 120, 128], np.uint8)) == [200, 150, 120]).all()
    floats = load_rgb(np.full((2, 2, 3), 0.5, np.float32))
    assert (floats == 128).all()


def test_load_rgb_applies_exif_orientation():
    stored = Image.new("RGB", (40, 20), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    stored.save(buffer, format="JPEG", exif=exif.tobytes())
    assert load_rgb(buffer.getvalue()).shape == (40, 20, 3)


@pytest.mark.parametrize("bad", [b"not an image", b"", "/no/such/file.jpg", 12345, np.zeros((3, 3, 7))])
def test_load_rgb_rejects_unreadable_input(bad):
    with pytest.raises(ImageUnreadableError) as info:
        load_rgb(bad)
    assert info.value.code == "image_unreadable"


def test_cached_builds_once_across_threads():
    calls = []
    barrier = threading.Barrier(4)

    def factory():
        calls.append(1)
        return object()

    results = []

    def worker():
        barrier.wait()
        results.append(runtime.cached("test-object", factory))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def test_tflite_same_padding_is_asymmetric_for_stride_two():
    assert same_pad(128, 5, 2) == (1, 2)
    assert same_pad(64, 3, 2) == (0, 1)
    assert same_pad(64, 3, 1) == (1, 1)


def test_warm_up_runs_both_networks():
    runtime.warm_up()
    assert runtime.device().type in ("cpu", "cuda")
