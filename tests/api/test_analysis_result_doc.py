"""docs/analysis-result.md explains every code, class and field of a result; the README links it."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.analysis.concerns import READ_THROUGH_FRAMES
from inference.analysis.quality import MESSAGES
from inference.analysis.season import PALETTES
from inference.ranking.rules import FACE_SHAPES
from plugin_api.api.result_example import RESULT_EXAMPLE

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "analysis-result.md").read_text(encoding="utf-8")


def _fields(*path: str) -> list[str]:
    value = RESULT_EXAMPLE
    for key in path:
        value = value[key][0] if isinstance(value[key], list) else value[key]
    return sorted(value)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_quality_issue_code_is_explained(code):
    assert f"| `{code}` |" in DOC


@pytest.mark.parametrize("subtype", sorted(PALETTES))
def test_every_season_subtype_is_named(subtype):
    assert f"`{subtype}`" in DOC


def test_every_face_shape_and_the_undertones_are_named():
    for label in (*FACE_SHAPES, "warm", "neutral", "cool", "fits", "narrow", "wide"):
        assert f"`{label}`" in DOC, label
    for concern in READ_THROUGH_FRAMES:
        assert f"`{concern}`" in DOC


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("quality",),
        ("skin",),
        ("concerns",),
        ("fit",),
        ("timing_ms",),
        ("tryon", "items"),
        ("recommendations",),
    ],
)
def test_every_field_of_the_example_is_explained(path):
    missing = [key for key in _fields(*path) if f"`{key}`" not in DOC]
    assert not missing, f"{'.'.join(path) or 'result'}: {missing}"


def test_the_readme_links_it():
    assert "docs/analysis-result.md" in (ROOT / "README.md").read_text(encoding="utf-8")
