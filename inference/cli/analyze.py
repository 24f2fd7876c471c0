"""`python -m inference analyze IMAGE... [--mesh]`: print one JSON analysis per image, one per line."""

from __future__ import annotations

import argparse
import json
import sys

from inference.errors import InferenceError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `analyze` sub-command."""
    parser = subparsers.add_parser("analyze", help="analyse the largest face in each image and print JSON")
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="photo paths (JPEG, PNG, ...)")
    parser.add_argument("--mesh", action="store_true", help="include the 478-point mesh in the output")
    parser.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Analyse every image; failures print an error object and make the exit status 1."""
    from inference.analysis import analyze_image

    status = 0
    for path in args.images:
        try:
            result = {"path": path, **analyze_image(path, mesh=args.mesh)}
        except InferenceError as exc:
            result = {"path": path, "error": {"code": exc.code, "message": exc.message}}
            status = 1
        sys.stdout.write(json.dumps(result, indent=args.indent) + "\n")
        sys.stdout.flush()
    return status
