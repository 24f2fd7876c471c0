"""Visual embeddings for "more like this": a timm backbone when weights are configured, else a descriptor.

The backbone is configuration — a timm model name plus a weights file (loaded through timm's
`pretrained_cfg_overlay=dict(file=...)`) or a local directory holding one. This machine cannot download
weights,
and a randomly initialised network would produce confident-looking nonsense, so without configured
weights Facet
uses a compact, honest colour-and-shape descriptor and reports that it did (`EmbeddingStatus`).
Vectors carry their `kind`; similarities are only computed between vectors of the same kind.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from inference import colour

log = logging.getLogger(__name__)

DESCRIPTOR_KIND = "descriptor-v1"
_WEIGHT_SUFFIXES = (".safetensors", ".pth", ".pt", ".bin")


class EmbeddingConfigError(ValueError):
    """The configured backbone or weights cannot be used (missing file, unknown model)."""


@dataclass(frozen=True)
class EmbeddingConfig:
    """Which backbone to use: a timm model name and its weights (file or directory); both None =
    descriptor."""

    model_name: str | None = None
    weights: str | None = None


@dataclass(frozen=True)
class EmbeddingStatus:
    """What produced the vectors, and whether they carry learned visual similarity."""

    kind: str
    learned: bool
    message: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "learned": self.learned, "message": self.message}


class Embedder(Protocol):
    """Turns a product image into an L2-normalised vector."""

    status: EmbeddingStatus

    def embed(self, image: np.ndarray) -> np.ndarray: ...


def _on_white(image: np.ndarray) -> np.ndarray:
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 4:
        alpha = array[..., 3:4].astype(np.float32) / 255.0
        return (array[..., :3] * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
    return array[..., :3].astype(np.uint8)


class DescriptorEmbedder:
    """64 bins of foreground colour in CIELAB + silhouette shape (aspect, fill, Hu moments), L2-normalised."""

    def __init__(self, reason: str = "no backbone weights configured") -> None:
        self.status = EmbeddingStatus(
            DESCRIPTOR_KIND,
            False,
            f"visual embedding: using the colour-and-shape descriptor ({reason}); "
            "set FACET_EMBEDDING_MODEL and FACET_EMBEDDING_WEIGHTS for a learned backbone",
        )

    def embed(self, image: np.ndarray) -> np.ndarray:
        import cv2

        from inference.catalog.colours import _downsample, foreground_mask

        small = _downsample(np.asarray(image))
        mask = foreground_mask(small)
        rgb = _on_white(small)
        if mask.sum() < 12:
            mask = np.ones(mask.shape, dtype=bool)
        lab = colour.rgb_to_lab(rgb[mask].astype(np.float64))
        # Coarse, soft-edged histogram: L in 4 bands, a and b in 4 bands over the range products actually use.
        l_idx = np.clip((lab[:, 0] / 25).astype(int), 0, 3)
        a_idx = np.clip(((lab[:, 1] + 40) / 20).astype(int), 0, 3)
        b_idx = np.clip(((lab[:, 2] + 40) / 20).astype(int), 0, 3)
        hist = np.bincount(l_idx * 16 + a_idx * 4 + b_idx, minlength=64).astype(np.float64)
        hist = np.sqrt(hist / hist.sum())  # Hellinger: cosine of sqrt-histograms is a proper similarity

        ys, xs = np.nonzero(mask)
        aspect = (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)
        fill = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].mean()
        hu = cv2.HuMoments(cv2.moments(mask.astype(np.uint8), binaryImage=True)).ravel()
        hu = -np.sign(hu) * np.log10(np.abs(hu) + 1e-12) / 12.0
        shape = np.concatenate([[np.log(aspect) / 2, fill], hu])
        vector = np.concatenate([hist, 0.5 * shape / max(np.linalg.norm(shape), 1e-9)])
        return (vector / np.linalg.norm(vector)).astype(np.float32)


def _resolve_weights(path: str) -> Path:
    candidate = Path(path).expanduser()
    if candidate.is_dir():
        for name in ("model.safetensors", "pytorch_model.bin", "open_clip_pytorch_model.bin"):
            if (candidate / name).is_file():
                return candidate / name
        found = sorted(p for p in candidate.iterdir() if p.suffix in _WEIGHT_SUFFIXES)
        if not found:
            raise EmbeddingConfigError(f"no weights file (*.safetensors, *.pth, *.bin) in {candidate}")
        return found[0]
    if not candidate.is_file():
        raise EmbeddingConfigError(f"embedding weights not found: {candidate}")
    return candidate


def _fingerprint(path: Path) -> str:
    """The first 12 hex digits of the file's SHA-256 (read once per process)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


class TimmEmbedder:
    """A timm backbone with its classifier removed; pooled features are the embedding."""

    def __init__(self, config: EmbeddingConfig) -> None:
        import timm
        import torch
        from timm.data import create_transform, resolve_data_config

        if not config.model_name or not config.weights:
            raise EmbeddingConfigError("a timm backbone needs both a model name and a weights path")
        weights = _resolve_weights(config.weights)
        try:
            self._model = timm.create_model(
                config.model_name,
                pretrained=True,
                num_classes=0,
                pretrained_cfg_overlay={"file": str(weights)},
            )
        except RuntimeError as exc:  # shape mismatch: the file is not for this architecture
            raise EmbeddingConfigError(
                f"weights {weights.name} do not fit {config.model_name}: {exc}"
            ) from exc
        self._model.eval()
        self._transform = create_transform(**resolve_data_config({}, model=self._model))
        self._torch = torch
        # The kind names the weights too: other weights give other vectors, and a vector is only compared
        # with its own kind (the features hash includes it, so a new file re-embeds the catalog).
        self.status = EmbeddingStatus(
            f"timm:{config.model_name}:{_fingerprint(weights)}",
            True,
            f"visual embedding: timm {config.model_name} from {weights.name}",
        )

    def embed(self, image: np.ndarray) -> np.ndarray:
        from PIL import Image

        tensor = self._transform(Image.fromarray(_on_white(image))).unsqueeze(0)
        with self._torch.inference_mode():
            features = self._model(tensor)[0].float().numpy()
        norm = np.linalg.norm(features)
        return (features / norm if norm > 0 else features).astype(np.float32)


_CACHE: dict[EmbeddingConfig, Embedder] = {}
_LOCK = threading.Lock()


def get_embedder(config: EmbeddingConfig | None = None) -> Embedder:
    """The embedder for `config`, built once per process; the descriptor when nothing is configured."""
    config = config or EmbeddingConfig()
    with _LOCK:
        embedder = _CACHE.get(config)
        if embedder is None:
            if config.model_name and config.weights:
                embedder = TimmEmbedder(config)
            else:
                reason = (
                    "no backbone weights configured"
                    if not config.model_name
                    else f"model {config.model_name} configured without a weights file"
                )
                embedder = DescriptorEmbedder(reason)
            # A descriptor stand-in is worth a warning: "more like this" is colour/shape only.
            log.log(
                logging.INFO if embedder.status.learned else logging.WARNING, "%s", embedder.status.message
            )
            _CACHE[config] = embedder
    return embedder
