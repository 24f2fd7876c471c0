"""The OpenAPI document's example result has the shape a real analysis returns, field for field."""

from __future__ import annotations

from typing import Any

import pytest

from plugin_api.demo import seed_demo_merchant
from plugin_api.demo.catalog import generate_demo_catalog
from plugin_api.demo.seed import seed_demo_catalog
from tests.helpers import upload
from tests.images import astronaut_close_jpeg

# What the example was made from (`plugin_api/api/result_example.py`): a frame, a foundation shade and the
# lipstick whose page the widget was opened from.
PRODUCTS = {"demo-frame-12", "demo-shade-52w", "demo-lip-03"}


def _shape(value: Any, path: str = "result") -> dict[str, set[str]]:
    """The keys of every object in `value`, by path (a list's items as `[]`), wherever the value is one."""
    shapes: dict[str, set[str]] = {}
    if isinstance(value, dict):
        shapes[path] = set(value)
        for key, item in value.items():
            shapes.update(_shape(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for item in value:
            for sub, keys in _shape(item, f"{path}[]").items():
                shapes[sub] = shapes.get(sub, set()) | keys
    return shapes


@pytest.mark.slow
def test_the_documented_example_has_every_field_a_real_result_has(app, client):
    with app.app_context():
        merchant = seed_demo_merchant()
        catalog = [p for p in generate_demo_catalog() if p.platform_id in PRODUCTS]
        assert {p.platform_id for p in catalog} == PRODUCTS
        seed_demo_catalog(merchant, config=app.config, catalog=catalog)
        headers = {"X-Facet-Key": merchant.publishable_key, "Origin": merchant.allowed_origins[0]}
    response = upload(client, headers, astronaut_close_jpeg(), product_id="demo-lip-03")
    assert response.status_code == 200 and response.json["status"] == "done", response.json
    real = response.json["result"]

    spec = client.get("/api/v1/openapi.json").json
    example = spec["components"]["schemas"]["Analysis"]["properties"]["result"]["example"]
    real_shape, example_shape = _shape(real), _shape(example)
    # Objects a real result leaves null here (a temple arm is drawn only for a turned head) are compared
    # where both have them; everything else must match exactly.
    common = set(real_shape) & set(example_shape)
    assert {path: real_shape[path] for path in common} == {path: example_shape[path] for path in common}
    missing = set(real_shape) - set(example_shape)
    assert not missing, f"objects of a real result the example lacks: {sorted(missing)}"
    assert set(example["timing_ms"]) == set(real["timing_ms"])
    assert example["recommendations"][0]["image_url"].startswith("/api/v1/widget/media/demo/")
