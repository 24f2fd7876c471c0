"""`python -m inference tryon FACE PRODUCT -o out.jpg [--frame-mm 52-18-140]`: render a virtual try-on.

Prints one JSON object: the placement (homography the widget would use), the fit verdict and the asset
geometry; or an error object with a stable code (`not_front_view`, `no_face`, ...) and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inference.errors import InferenceError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `tryon` sub-command."""
    parser = subparsers.add_parser("tryon", help="put the eyewear of a product photo on a face photo")
    parser.add_argument("face", metavar="FACE_IMAGE", help="photo of a face")
    parser.add_argument("product", metavar="PRODUCT_IMAGE", help="front-view product photo of a frame")
    parser.add_argument("-o", "--output", required=True, help="where to write the rendered JPEG/PNG")
    parser.add_argument(
        "--frame-mm", default=None, help='frame size, e.g. "52-18-140" or a total width "138"'
    )
    parser.add_argument("--save-asset", metavar="PREFIX", help="also write PREFIX.png and PREFIX.json")
    parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON with this indent")
    parser.set_defaults(handler=run)


def _emit(obj: dict, indent: int | None) -> None:
    sys.stdout.write(json.dumps(obj, indent=indent) + "\n")
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    """Make the asset, render it, write the picture; report errors as JSON with exit status 1."""
    from inference.tryon import TryOnAsset, make_tryon_asset, render_tryon

    try:
        asset = make_tryon_asset(args.product, frame_mm=args.frame_mm)
    except ValueError as exc:  # an unparseable --frame-mm
        _emit({"error": {"code": "bad_frame_size", "message": str(exc)}}, args.indent)
        return 1
    except OSError as exc:
        _emit({"error": {"code": "image_unreadable", "message": str(exc)}}, args.indent)
        return 1
    if not isinstance(asset, TryOnAsset):
        _emit({"error": asset.to_dict()}, args.indent)
        return 1
    if args.save_asset:
        Path(f"{args.save_asset}.png").write_bytes(asset.to_png())
        Path(f"{args.save_asset}.json").write_text(asset.to_json())
    try:
        image, placement = render_tryon(args.face, asset)
    except InferenceError as exc:
        _emit({"error": {"code": exc.code, "message": exc.message}}, args.indent)
        return 1
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() in (".jpg", ".jpeg"):
        image.save(out, quality=92)
    else:
        image.save(out)
    _emit({"output": str(out), "placement": placement, "asset": asset.geometry}, args.indent)
    return 0
