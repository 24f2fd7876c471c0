"""The demo store: a `demo` merchant (and, via the catalog code, its generated catalog)."""

from __future__ import annotations

from plugin_api.demo.merchant import DEMO_KEY, DEMO_ORIGIN, seed_demo_merchant

__all__ = ["DEMO_KEY", "DEMO_ORIGIN", "seed_demo_merchant"]
