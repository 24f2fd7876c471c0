"""PyTorch re-implementations of MediaPipe's BlazeFace (short range) and Face Mesh v2 networks.

Both graphs were trained in TensorFlow and shipped as TFLite; the layer order and shapes here mirror the
TFLite graphs op for op, so `inference/tools/convert_face_landmarker.py` can copy weights in execution order.
TFLite "SAME" padding is asymmetric for stride 2 (the extra row/column goes at the bottom/right), which
PyTorch's symmetric `padding=` cannot express, so stride-2 layers pad with `F.pad` before a VALID convolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


def same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Return TFLite SAME padding (before, after) for one spatial axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Conv2d):
    """A Conv2d with TFLite SAME padding (asymmetric when the stride is 2)."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1) -> None:
        symmetric = stride == 1 and kernel % 2 == 1
        super().__init__(cin, cout, kernel, stride, padding=kernel // 2 if symmetric else 0, groups=groups)
        self.explicit_pad = not symmetric

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.explicit_pad:
            k, s = self.kernel_size[0], self.stride[0]
            top, bottom = same_pad(x.shape[-2], k, s)
            left, right = same_pad(x.shape[-1], k, s)
            x = F.pad(x, (left, right, top, bottom))
        return super().forward(x)


def pad_channels(x: torch.Tensor, extra: int) -> torch.Tensor:
    """Zero-pad the channel axis at the end, as TFLite's `channel_padding` PAD op does."""
    return F.pad(x, (0, 0, 0, 0, 0, extra)) if extra else x


# --------------------------------------------------------------------------------------------- BlazeFace


class BlazeBlock(nn.Module):
    """Depthwise 3×3 + pointwise 1×1 with a residual (max-pooled and channel-padded when downsampling)."""

    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.depthwise = SameConv2d(cin, cin, 3, stride, groups=cin)
        self.pointwise = nn.Conv2d(cin, cout, 1)
        self.pool = nn.MaxPool2d(2, 2) if stride == 2 else None
        self.extra_channels = cout - cin

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = self.pool(x) if self.pool is not None else x
        y = self.pointwise(self.depthwise(x))
        return F.relu(y + pad_channels(shortcut, self.extra_channels))


# (in, out, stride) of each BlazeBlock, as in face_detector.tflite: 16×16×88 and 8×8×96 feature maps.
BLAZEFACE_BLOCKS_16 = [(24, 24, 1), (24, 28, 1), (28, 32, 2), (32, 36, 1), (36, 42, 1), (42, 48, 2),
                       (48, 56, 1), (56, 64, 1), (64, 72, 1), (72, 80, 1), (80, 88, 1)]  # fmt: skip
BLAZEFACE_BLOCKS_8 = [(88, 96, 2), (96, 96, 1), (96, 96, 1), (96, 96, 1), (96, 96, 1)]


class BlazeFace(nn.Module):
    """BlazeFace short range: 128×128 RGB in [-1, 1] → (896×16 regressors, 896 score logits). The input
    size the pipeline feeds it is `FaceModelConfig.detector_size`."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = SameConv2d(3, 24, 5, 2)
        self.stage16 = nn.Sequential(*(BlazeBlock(*b) for b in BLAZEFACE_BLOCKS_16))
        self.stage8 = nn.Sequential(*(BlazeBlock(*b) for b in BLAZEFACE_BLOCKS_8))
        # Registered in the TFLite execution order: classifiers first, then regressors.
        self.classifier_16x16 = nn.Conv2d(88, 2, 1)
        self.classifier_8x8 = nn.Conv2d(96, 6, 1)
        self.regressor_16x16 = nn.Conv2d(88, 32, 1)
        self.regressor_8x8 = nn.Conv2d(96, 96, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n = x.shape[0]
        f16 = self.stage16(F.relu(self.stem(x)))
        f8 = self.stage8(f16)
        # NCHW → NHWC before flattening keeps the anchor order (row, column, anchor) of the TFLite reshape.
        scores = torch.cat(
            [self.classifier_16x16(f16).permute(0, 2, 3, 1).reshape(n, -1),
             self.classifier_8x8(f8).permute(0, 2, 3, 1).reshape(n, -1)], dim=1)  # fmt: skip
        boxes = torch.cat(
            [self.regressor_16x16(f16).permute(0, 2, 3, 1).reshape(n, -1, 16),
             self.regressor_8x8(f8).permute(0, 2, 3, 1).reshape(n, -1, 16)], dim=1)  # fmt: skip
        return boxes, scores


# --------------------------------------------------------------------------------------------- Face Mesh v2


@dataclass(frozen=True)
class MeshBlockSpec:
    """One residual bottleneck of Face Mesh v2 (read from the TFLite graph by the converter)."""

    cin: int
    mid: int
    cout: int
    stride: int


class MeshBlock(nn.Module):
    """Reduce (1×1, or 2×2 stride 2) → PReLU → depthwise 3×3 → expand 1×1, plus residual, then PReLU."""

    def __init__(self, spec: MeshBlockSpec) -> None:
        super().__init__()
        kernel = 2 if spec.stride == 2 else 1
        self.reduce = nn.Conv2d(spec.cin, spec.mid, kernel, spec.stride)
        self.act_reduce = nn.PReLU(spec.mid)
        self.depthwise = nn.Conv2d(spec.mid, spec.mid, 3, padding=1, groups=spec.mid)
        self.expand = nn.Conv2d(spec.mid, spec.cout, 1)
        self.act_out = nn.PReLU(spec.cout)
        self.pool = nn.MaxPool2d(2, 2) if spec.stride == 2 else None
        self.extra_channels = spec.cout - spec.cin

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = self.pool(x) if self.pool is not None else x
        y = self.expand(self.depthwise(self.act_reduce(self.reduce(x))))
        return self.act_out(y + pad_channels(shortcut, self.extra_channels))


class WholeMapConv2d(nn.Conv2d):
    """A VALID convolution whose kernel covers its whole input map (1×1 output), run as one matrix product.

    Same weights and result (to float rounding) as `nn.Conv2d`. Why: Face Mesh's 1,434-channel head on a
    batch of 2 (every face runs as a batch of 2, see `mesh.run_mesh`) took ~0.9 ms as a oneDNN convolution
    and ~0.15 ms as a matrix product on this CPU.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        # reshape reads NCHW order (c, h, w), the same order as the flattened (out, c, kh, kw) weight.
        return F.linear(x.reshape(n, -1), self.weight.flatten(1), self.bias).reshape(n, -1, 1, 1)


class FaceMeshV2(nn.Module):
    """Face Mesh v2: 256×256 RGB in [0, 1] → (478×3 landmarks in crop pixels, face-presence logit). The input
    size the pipeline feeds it is `FaceModelConfig.mesh_size`."""

    num_landmarks = 478

    def __init__(self, blocks: list[MeshBlockSpec]) -> None:
        super().__init__()
        self.stem = SameConv2d(3, blocks[0].cin, 3, 2)
        self.act_stem = nn.PReLU(blocks[0].cin)
        self.blocks = nn.Sequential(*(MeshBlock(b) for b in blocks))
        width = blocks[-1].cout
        # 2×2 VALID convolutions over the final 2×2 map, in TFLite execution order (presence, then landmarks).
        self.presence = WholeMapConv2d(width, 1, 2)
        self.landmarks = WholeMapConv2d(width, self.num_landmarks * 3, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.blocks(self.act_stem(self.stem(x)))
        landmarks = self.landmarks(features).reshape(x.shape[0], self.num_landmarks, 3)
        return landmarks, self.presence(features).reshape(x.shape[0])
