"""The timm weight-loading path (with a small random model saved to a temp file) and the honest fallback."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pytest
import torch

from inference.catalog.embedding import (
    DESCRIPTOR_KIND,
    EmbeddingConfig,
    EmbeddingConfigError,
    get_embedder,
)


@pytest.fixture(scope="module")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A randomly initialised resnet10t saved as safetensors: only exercises the loading code path."""
    import timm
    from safetensors.torch import save_file

    torch.manual_seed(0)
    model = timm.create_model("resnet10t", pretrained=False, num_classes=7)
    path = tmp_path_factory.mktemp("weights") / "model.safetensors"
    save_file(model.state_dict(), str(path))
    return path, model.state_dict()


def test_timm_backbone_loads_the_configured_file(tiny_weights: tuple[Path, dict]) -> None:
    path, state = tiny_weights
    embedder = get_embedder(EmbeddingConfig("resnet10t", str(path)))
    # The kind names the model and the very weights: vectors of other weights are never compared with these.
    assert embedder.status.kind == f"timm:resnet10t:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
    assert embedder.status.learned
    loaded = embedder._model.state_dict()
    # Every backbone tensor is the file's, not timm's fresh initialisation; the classifier head is dropped.
    for name, tensor in loaded.items():
        if name in state and tensor.dtype.is_floating_point:
            assert torch.equal(tensor, state[name]), name
    vector = embedder.embed(np.full((120, 200, 3), 180, np.uint8))
    assert vector.shape == (512,)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)


def test_weights_directory_is_searched(tiny_weights: tuple[Path, dict]) -> None:
    path, _ = tiny_weights
    embedder = get_embedder(EmbeddingConfig("resnet10t", str(path.parent)))
    assert embedder.status.learned and path.name in embedder.status.message


def test_missing_or_mismatched_weights_fail_loudly(tiny_weights: tuple[Path, dict], tmp_path: Path) -> None:
    with pytest.raises(EmbeddingConfigError):
        get_embedder(EmbeddingConfig("resnet10t", str(tmp_path / "nope.safetensors")))
    with pytest.raises(EmbeddingConfigError):
        get_embedder(EmbeddingConfig("resnet18", str(tiny_weights[0])))  # wrong architecture for the file


def test_without_weights_the_descriptor_says_so(caplog: pytest.LogCaptureFixture) -> None:
    from inference.catalog import embedding

    embedding._CACHE.clear()
    with caplog.at_level(logging.WARNING, logger="inference.catalog.embedding"):
        embedder = get_embedder(EmbeddingConfig("resnet10t", None))
    assert embedder.status.kind == DESCRIPTOR_KIND and not embedder.status.learned
    assert "descriptor" in caplog.text and "FACET_EMBEDDING_WEIGHTS" in caplog.text

    red = np.full((100, 160, 3), 255, np.uint8)
    red[20:80, 30:130] = (200, 20, 30)
    red2 = red.copy()
    red2[20:80, 30:130] = (190, 30, 35)
    blue = red.copy()
    blue[20:80, 30:130] = (20, 40, 200)
    a, b, c = (embedder.embed(x) for x in (red, red2, blue))
    assert (
        float(a @ b) > float(a @ c) + 0.3
    )  # the descriptor is about colour and shape, and says nothing more
