"""Build the shopper widget: `src/` → `dist/facet.js` (loader) and `dist/facet-app.js` (lazy bundle).

No Node toolchain on purpose: the sources are plain ES5-compatible modules sharing one IIFE scope, so a
concatenation plus a safe whitespace/comment strip is all the "bundling" needed, and `make demo` works on a
machine with only Python. The built files are committed; `python widgets/widget/build.py --check` (run by the
tests) fails when they are stale.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
DIST = HERE / "dist"
APP_FILES = ("strings.js", "util.js", "api.js", "capture.js", "warp.js", "dialog.js", "results.js", "main.js")
LOADER_BUDGET = 5 * 1024
TOTAL_BUDGET = 40 * 1024


def strip_js(text: str) -> str:
    """Drop block comments that start a line, whole-line `//` comments, indentation and blank lines.

    Only whole-line comments are removed, so `//` inside strings and URLs is never touched.
    """
    out: list[str] = []
    in_block = False
    for raw in text.splitlines():
        line = raw.strip()
        if in_block:
            if "*/" in line:
                in_block = False
                rest = line.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        if line.startswith("/*"):
            if "*/" not in line:
                in_block = True
                continue
            rest = line.split("*/", 1)[1].strip()
            if rest:
                out.append(rest)
            continue
        if not line or line.startswith("//"):
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def strip_css(text: str) -> str:
    """Collapse the stylesheet to one line; it only has to survive being put in a JS string."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s*\n\s*", "", text)
    return text.strip()


def build_app() -> str:
    css = strip_css((SRC / "app" / "styles.css").read_text(encoding="utf-8"))
    parts = [
        "/* Facet widget app, built from widgets/widget/src/app by build.py. */",
        "(function () {",
        "'use strict';",
        "if (!window.Facet || !window.Facet._ctx || window.Facet._app) return;",
        "var CTX = window.Facet._ctx;",
        "var CSS = " + json.dumps(css, ensure_ascii=False) + ";",
    ]
    for name in APP_FILES:
        parts.append(strip_js((SRC / "app" / name).read_text(encoding="utf-8")))
    parts.append("})();")
    return "\n".join(parts) + "\n"


def build_loader(version: str) -> str:
    text = strip_js((SRC / "loader.js").read_text(encoding="utf-8"))
    head = "/* Facet widget loader " + version + ", built from widgets/widget/src/loader.js by build.py. */\n"
    return head + text.replace("__APP_VERSION__", version)


def build() -> dict[str, str]:
    """Return {filename: content} for everything in dist/."""
    app = build_app()
    version = hashlib.sha256(app.encode()).hexdigest()[:10]
    return {"facet-app.js": app, "facet.js": build_loader(version)}


def gz_size(text: str) -> int:
    return len(gzip.compress(text.encode(), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if dist/ is out of date or over budget")
    args = ap.parse_args(argv)
    files = build()
    loader_gz = gz_size(files["facet.js"])
    total_gz = loader_gz + gz_size(files["facet-app.js"])
    problems = []
    if loader_gz > LOADER_BUDGET:
        problems.append(f"loader is {loader_gz} B gzipped (budget {LOADER_BUDGET})")
    if total_gz > TOTAL_BUDGET:
        problems.append(f"widget is {total_gz} B gzipped (budget {TOTAL_BUDGET})")
    if args.check:
        for name, text in files.items():
            path = DIST / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                problems.append(f"dist/{name} is stale: run `make widget`")
    else:
        DIST.mkdir(exist_ok=True)
        for name, text in files.items():
            (DIST / name).write_text(text, encoding="utf-8")
    sys.stdout.write(f"loader {loader_gz} B gz, widget total {total_gz} B gz\n")
    for p in problems:
        sys.stderr.write(p + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
