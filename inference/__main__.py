"""`python -m inference <command>`: the inference engine's command line."""

from __future__ import annotations

from inference.cli import main

raise SystemExit(main())
