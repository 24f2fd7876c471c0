"""Build the face networks from the committed safetensors weights, once per process."""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from torch import nn

from inference import runtime
from inference.face.networks import BlazeFace, FaceMeshV2, MeshBlockSpec

log = logging.getLogger(__name__)
WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
# TorchScript's profiling executor optimises (and fuses) a graph after this many runs at a given input shape.
PROFILING_RUNS = 2


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
    detector: nn.Module  # BlazeFace, traced and frozen on CPU
    mesh: nn.Module  # FaceMeshV2, traced and frozen on CPU (see `_freeze_for_cpu`)
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


def _freeze_for_cpu(net: nn.Module, sizes: tuple[int, ...], memory_format: torch.memory_format) -> nn.Module:
    """Trace and freeze a network for CPU inference; keep it eager if anything disagrees.

    Both networks are ~100-170 small ops, so Python dispatch is a real share of their time: the frozen Face
    Mesh ran in 18 ms instead of 28.5 (median CPU time, interleaved A/B on this machine); tracing costs ~2 s
    once per process (3.5 s CPU for both, at warm-up). FACET_TORCH_JIT=0 keeps them eager. (Adding
    `torch.jit.optimize_for_inference` made the build ~10× slower for a smaller gain.)
    oneDNN Graph fusion (`torch.jit.enable_onednn_fusion`) then merges each Face Mesh block's convolutions,
    PReLUs and residual add into fused kernels: the mesh's batch of 2 went from ~27 to ~15 ms (3 alternating
    process runs each; batch 1: ~13.6 → ~10 ms), landmarks within 4e-4 crop px of eager. The fused graph is
    built on the first calls with a new input shape (profiling runs), so the check below runs each shape a few
    times before comparing.
    The traced module is checked against the eager one at every input size it will see, batches 1 and 2.
    """
    try:
        torch.jit.enable_onednn_fusion(True)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # trace warnings about Python ints: padding is size-independent
            example = torch.rand(1, 3, sizes[0], sizes[0]).contiguous(memory_format=memory_format)
            frozen = torch.jit.freeze(torch.jit.trace(net, example))
        # Checked as it will run (inference mode): the executor specialises its fused graph on that too.
        with torch.inference_mode():
            for size in sizes:
                for batch in (1, 2):
                    x = torch.rand(batch, 3, size, size).contiguous(memory_format=memory_format)
                    for _ in range(PROFILING_RUNS):
                        frozen(x)
                    for eager, traced in zip(net(x), frozen(x), strict=True):
                        if eager.shape != traced.shape or not torch.allclose(
                            eager, traced, atol=1e-3, rtol=1e-4
                        ):
                            raise ValueError(f"traced {type(net).__name__} disagrees with eager at {size} px")
    except Exception:  # any tracing problem: the eager module is always correct, only slower
        log.warning("%s not frozen; running eager", type(net).__name__, exc_info=True)
        return net
    return frozen


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
    if dev.type == "cpu" and os.environ.get("FACET_TORCH_JIT", "1") != "0":
        # The detector also runs at 512 px for small faces (pipeline.SMALL_FACE_SIZE).
        detector = _freeze_for_cpu(detector, (config.detector_size, 4 * config.detector_size), memory_format)
        mesh = _freeze_for_cpu(mesh, (config.mesh_size,), memory_format)
    return FaceModels(config, detector, mesh, dev, memory_format)


def load_face_models() -> FaceModels:
    """Return the process-wide face networks, loading them on first use."""
    return runtime.cached("face_models", build_face_models)
