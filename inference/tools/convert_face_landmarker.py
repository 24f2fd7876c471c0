"""Convert MediaPipe's face_landmarker.task (TFLite) into `inference/weights/face_landmarker.safetensors`.

Run once by a developer (needs the `tflite` flatbuffer parser from requirements-dev.txt, not a runtime dep;
tests/face/test_converter.py checks that it reproduces the committed weights):

    .venv/bin/python -m inference.tools.convert_face_landmarker \
        --task ../shared/models/face_landmarker.task --out inference/weights/face_landmarker.safetensors

The TFLite graphs are walked in execution order; every CONV_2D / DEPTHWISE_CONV_2D / PRELU with weights
is copied onto the next Conv2d / PReLU of the PyTorch module (which registers its layers in the same
order), with shape checks on every tensor. fp16 weights (behind DEQUANTIZE ops) stay fp16: lossless.
Face Mesh v2's block layout is read from the graph and stored in the file's metadata.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

from inference.face.networks import BlazeFace, FaceMeshV2, MeshBlockSpec

TFLITE_FLOAT32, TFLITE_FLOAT16, TFLITE_INT32 = 0, 1, 2
SAME, VALID = 0, 1


@dataclass
class Op:
    """One TFLite operator with its weights resolved to numpy arrays."""

    kind: str
    inputs: list[int]
    outputs: list[str]
    stride: int = 1
    padding: int = SAME
    activation: int = 0
    weights: list[np.ndarray] = field(default_factory=list)


def read_ops(buf: bytes) -> list[Op]:
    """Parse a TFLite flatbuffer into a list of operators (DEQUANTIZE folded into the weights)."""
    import tflite
    from tflite.BuiltinOperator import BuiltinOperator

    names = {v: k for k, v in vars(BuiltinOperator).items() if not k.startswith("_")}
    model = tflite.Model.GetRootAsModel(buf, 0)
    graph = model.Subgraphs(0)

    def constant(index: int) -> np.ndarray | None:
        tensor = graph.Tensors(index)
        data = model.Buffers(tensor.Buffer()).DataAsNumpy()
        if isinstance(data, int) or data.size == 0:
            return None
        dtypes = {TFLITE_FLOAT32: np.float32, TFLITE_FLOAT16: np.float16, TFLITE_INT32: np.int32}
        dtype = dtypes[tensor.Type()]
        return data.view(dtype).reshape(tensor.ShapeAsNumpy())

    dequantized: dict[int, np.ndarray] = {}
    ops: list[Op] = []
    for i in range(graph.OperatorsLength()):
        raw = graph.Operators(i)
        code = model.OperatorCodes(raw.OpcodeIndex())
        kind = names[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        inputs = [int(x) for x in raw.InputsAsNumpy()]
        outputs = [graph.Tensors(int(x)).Name().decode() for x in raw.OutputsAsNumpy()]
        if kind == "DEQUANTIZE":
            dequantized[int(raw.OutputsAsNumpy()[0])] = constant(inputs[0])
            continue
        op = Op(kind, inputs, outputs)
        if kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D"):
            opts_cls = {"CONV_2D": tflite.Conv2DOptions, "DEPTHWISE_CONV_2D": tflite.DepthwiseConv2DOptions,
                        "MAX_POOL_2D": tflite.Pool2DOptions}[kind]  # fmt: skip
            opts = opts_cls()
            table = raw.BuiltinOptions()
            opts.Init(table.Bytes, table.Pos)
            op.stride, op.padding = opts.StrideH(), opts.Padding()
            op.activation = opts.FusedActivationFunction()
        for index in inputs[1:]:
            value = dequantized.get(index)
            if value is None:
                value = constant(index)
            if value is not None:
                op.weights.append(value)
        ops.append(op)
    return ops


def to_torch_conv(op: Op, depthwise: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return (weight, bias) in PyTorch layout: OHWI → OIHW, depthwise 1HWC → C1HW."""
    kernel, bias = op.weights
    kernel = kernel.transpose(3, 0, 1, 2) if depthwise else kernel.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(kernel), bias


def copy_weights(module: nn.Module, ops: list[Op], prefix: str) -> dict[str, torch.Tensor]:
    """Pair parametric TFLite ops with the module's Conv2d/PReLU layers in order; return a state dict."""
    layers = [(name, m) for name, m in module.named_modules() if isinstance(m, nn.Conv2d | nn.PReLU)]
    if len(layers) != len(ops):
        raise ValueError(f"{prefix}: {len(ops)} TFLite layers but {len(layers)} torch layers")
    state: dict[str, torch.Tensor] = {}
    for (name, layer), op in zip(layers, ops, strict=True):
        if isinstance(layer, nn.PReLU):
            if op.kind != "PRELU":
                raise ValueError(f"{name}: expected PRELU, got {op.kind}")
            tensors = {"weight": op.weights[0].reshape(-1)}
        else:
            if op.kind not in ("CONV_2D", "DEPTHWISE_CONV_2D") or op.activation != 0:
                raise ValueError(f"{name}: expected a linear convolution, got {op.kind}/{op.activation}")
            if (layer.groups > 1) != (op.kind == "DEPTHWISE_CONV_2D") or layer.stride[0] != op.stride:
                raise ValueError(f"{name}: layer type or stride differs from {op.kind}/{op.stride}")
            weight, bias = to_torch_conv(op, depthwise=op.kind == "DEPTHWISE_CONV_2D")
            tensors = {"weight": weight, "bias": bias}
        for key, value in tensors.items():
            expected = tuple(getattr(layer, key).shape)
            if tuple(value.shape) != expected:
                raise ValueError(f"{name}.{key}: TFLite {value.shape} vs torch {expected}")
            state[f"{prefix}.{name}.{key}"] = torch.from_numpy(np.array(value, copy=True))  # own storage
    return state


def convert_detector(ops: list[Op]) -> dict[str, torch.Tensor]:
    """Convert face_detector.tflite (BlazeFace short range)."""
    layers = [op for op in ops if op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D")]
    return copy_weights(BlazeFace(), layers, "detector")


def mesh_blocks(ops: list[Op]) -> list[MeshBlockSpec]:
    """Read Face Mesh v2's residual blocks from the op sequence: (reduce, PReLU, dw, expand, PReLU) groups."""
    params = [op for op in ops if op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "PRELU")]
    body = params[2:]  # stem conv + PReLU
    blocks = []
    while len(body) >= 5 and body[2].kind == "DEPTHWISE_CONV_2D":
        reduce, _, _, expand, _ = body[:5]
        cin, mid = reduce.weights[0].shape[3], reduce.weights[0].shape[0]
        blocks.append(MeshBlockSpec(cin=int(cin), mid=int(mid), cout=int(expand.weights[0].shape[0]),
                                    stride=reduce.stride))  # fmt: skip
        body = body[5:]
    return blocks


def convert_mesh(ops: list[Op]) -> tuple[dict[str, torch.Tensor], list[MeshBlockSpec]]:
    """Convert face_landmarks_detector.tflite (Face Mesh v2 with irises)."""
    blocks = mesh_blocks(ops)
    params = [op for op in ops if op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "PRELU")]
    body = params[: 2 + 5 * len(blocks)]
    heads = {op.outputs[0]: op for op in params[2 + 5 * len(blocks) :]}
    # "Identity" is the 1434 landmark values, "Identity_1" the face-presence logit; the third head is unused.
    layers = [*body, heads["Identity_1"], heads["Identity"]]
    return copy_weights(FaceMeshV2(blocks), layers, "mesh"), blocks


def main(argv: list[str] | None = None) -> int:
    """Convert the .task bundle and write the safetensors file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=Path, default=Path("../shared/models/face_landmarker.task"))
    parser.add_argument("--out", type=Path, default=Path("inference/weights/face_landmarker.safetensors"))
    args = parser.parse_args(argv)

    raw = args.task.read_bytes()
    with zipfile.ZipFile(args.task) as bundle:
        detector_ops = read_ops(bundle.read("face_detector.tflite"))
        mesh_ops = read_ops(bundle.read("face_landmarks_detector.tflite"))
    state = convert_detector(detector_ops)
    mesh_state, blocks = convert_mesh(mesh_ops)
    state.update(mesh_state)
    metadata = {
        "source": "MediaPipe face_landmarker.task (Apache-2.0)",
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "mesh_blocks": json.dumps([asdict(b) for b in blocks]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(args.out), metadata=metadata)
    count = sum(t.numel() for t in state.values())
    print(f"wrote {args.out}: {len(state)} tensors, {count:,} parameters, {len(blocks)} mesh blocks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
