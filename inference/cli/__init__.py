"""Command-line entry point; each sub-command lives in its own module with `add_parser(subparsers)`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from importlib import import_module

# Sub-command modules: each defines add_parser(subparsers) and sets a `handler` default on its parser.
_COMMANDS = ("inference.cli.analyze", "inference.cli.tryon")


def build_parser() -> argparse.ArgumentParser:
    """Build the parser from every registered sub-command module."""
    parser = argparse.ArgumentParser(prog="python -m inference", description="Facet face analysis and try-on")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in _COMMANDS:
        import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command and return its exit status."""
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)
