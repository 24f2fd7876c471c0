"""Build the face networks from the committed safetensors weights, once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from torch import nn

from inference import runtime
from inference.face.networks import BlazeFace, FaceMeshV2, MeshBlockSpec

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"


@dataclass(frozen=True)
class FaceModelConfig:
    """What travels with the weights: file, input sizes and each network's input normalisation."""

    weights: Path = WEIGHTS_DIR / "face_landmarker.safetensors"
    detector_size: int = 128
    detector_range: tuple[float, float] = (-1.0, 1.0)  # BlazeFace expects RGB scaled to [-1, 1]
    mesh_size: int = 256
    mesh_range: tuple[float, float] = (0.0, 1.0)  # Face Mesh v2 expects RGB scaled to [0, 1]


@dataclass
class FaceModels:
    """The two networks, on their device, in eval mode."""

    config: FaceModelConfig
    detector: BlazeFace
    mesh: FaceMeshV2
    device: torch.device
    memory_format: torch.memory_format = field(default=torch.contiguous_format)

    def warm_up(self) -> None:
        """Run each network once (first calls allocate kernels' workspaces)."""
        with torch.inference_mode():
            for _ in range(2):
                for net, size in ((self.detector, 128), (self.mesh, 256)):
                    x = torch.zeros(1, 3, size, size, device=self.device)
                    net(x.contiguous(memory_format=self.memory_format))


def _load(module: nn.Module, tensors: dict[str, torch.Tensor], prefix: str) -> None:
    """Load `prefix.*` tensors into `module` (upcasting the fp16 storage), insisting on an exact key match."""
    state = {k[len(prefix) + 1 :]: v.float() for k, v in tensors.items() if k.startswith(prefix + ".")}
    module.load_state_dict(state, strict=True)


def build_face_models(config: FaceModelConfig | None = None) -> FaceModels:
    """Read the weights file and build both networks (no caching: use `load_face_models`)."""
    config = config or FaceModelConfig()
    if not config.weights.is_file():
        raise FileNotFoundError(
            f"{config.weights} is missing; it ships with the repository "
            "(regenerate with `python -m inference.tools.convert_face_landmarker`)."
        )
    with safe_open(str(config.weights), framework="pt") as f:
        metadata = f.metadata() or {}
        tensors = {key: f.get_tensor(key) for key in f.keys()}  # noqa: SIM118 (safe_open is not a dict)
    blocks = [MeshBlockSpec(**b) for b in json.loads(metadata["mesh_blocks"])]
    detector, mesh = BlazeFace(), FaceMeshV2(blocks)
    _load(detector, tensors, "detector")
    _load(mesh, tensors, "mesh")
    dev = runtime.device()
    # channels_last lets oneDNN pick its faster depthwise kernels on CPU.
    memory_format = torch.channels_last if dev.type == "cpu" else torch.contiguous_format
    detector = detector.eval().to(dev, memory_format=memory_format)
    mesh = mesh.eval().to(dev, memory_format=memory_format)
    return FaceModels(config, detector, mesh, dev, memory_format)


def load_face_models() -> FaceModels:
    """Return the process-wide face networks, loading them on first use."""
    return runtime.cached("face_models", build_face_models)
