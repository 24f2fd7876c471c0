"""Derive the mirror permutation of the 478-point face mesh (`inference.face.topology.FLIP_INDEX`).

    .venv/bin/python -m inference.tools.mesh_flip_index --task ../shared/models/face_landmarker.task

MediaPipe's canonical face model (the 468-vertex mesh inside the .task's geometry metadata) is exactly
symmetric about x = 0: mirroring each vertex lands on another vertex at distance 0 (or on itself for the 28
midline points), which gives the permutation of points 0-467 without any tolerance to choose. The 10 iris
points (468-477) are not in that model: each iris is a centre (468, 473) and a ring in the same order for
both eyes — image-right, top, image-left, bottom of the centre, as measured on the astronaut — so a mirror
swaps the centres and the rings' image-left/right members and keeps top and bottom.
"""

from __future__ import annotations

import argparse
import struct
import zipfile
from pathlib import Path

import numpy as np

METADATA = "geometry_pipeline_metadata_landmarks.binarypb"
VERTEX_FLOATS = 5  # MediaPipe's VERTEX_PT layout: x, y, z, u, v
IRIS = {468: 473, 469: 476, 470: 475, 471: 474, 472: 477}


def _fields(buffer: bytes) -> list[tuple[int, int, bytes | int]]:
    """Decode one protobuf message level: (field number, wire type, value) in order."""

    def varint(i: int) -> tuple[int, int]:
        value, shift = 0, 0
        while True:
            byte = buffer[i]
            value, shift, i = value | (byte & 0x7F) << shift, shift + 7, i + 1
            if byte < 0x80:
                return value, i

    out, i = [], 0
    while i < len(buffer):
        key, i = varint(i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(i)
        elif wire == 2:
            length, i = varint(i)
            value, i = buffer[i : i + length], i + length
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, i = buffer[i : i + width], i + width
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        out.append((number, wire, value))
    return out


def canonical_vertices(task: Path) -> np.ndarray:
    """468×3 vertices of the canonical face model (GeometryPipelineMetadata.canonical_mesh.vertex_buffer)."""
    metadata = zipfile.ZipFile(task).read(METADATA)
    mesh = next(value for number, _, value in _fields(metadata) if number == 1)
    floats = [struct.unpack("<f", v)[0] for number, wire, v in _fields(mesh) if number == 3 and wire == 5]
    return np.array(floats, dtype=np.float64).reshape(-1, VERTEX_FLOATS)[:, :3]


def flip_index(vertices: np.ndarray) -> list[int]:
    """Mirror permutation: point i of a mirrored face is point flip[i] of the original, for all 478 points."""
    mirrored = vertices * np.array([-1.0, 1.0, 1.0])
    distance = np.linalg.norm(vertices[:, None] - mirrored[None], axis=2)
    flip = distance.argmin(axis=1)
    exact = distance[np.arange(len(flip)), flip].max() < 1e-4
    if not exact or not np.array_equal(flip[flip], np.arange(len(flip))):
        raise ValueError("the canonical model is not mirror-symmetric: no exact permutation")
    pairs = {**IRIS, **{b: a for a, b in IRIS.items()}}
    return [int(i) for i in flip] + [pairs[i] for i in range(len(flip), len(flip) + len(pairs))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", type=Path, required=True, help="MediaPipe's face_landmarker.task")
    args = parser.parse_args(argv)
    flip = flip_index(canonical_vertices(args.task))
    rows = [", ".join(str(i) for i in flip[k : k + 20]) for k in range(0, len(flip), 20)]
    body = "".join(f"    {row},\n" for row in rows)
    print(f"# fmt: off\nFLIP_INDEX: tuple[int, ...] = (\n{body})\n# fmt: on")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
