"""`/widget/v1/<file>`: the built widget, its budgets, caching and CORS headers."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

WIDGET = Path(__file__).resolve().parents[2] / "widgets" / "widget"


def _build_module():
    spec = importlib.util.spec_from_file_location("widget_build", WIDGET / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_dist_is_up_to_date_and_within_budget(capsys):
    build = _build_module()
    assert build.main(["--check"]) == 0, capsys.readouterr().err
    files = build.build()
    assert build.gz_size(files["facet.js"]) <= 5 * 1024
    assert build.gz_size(files["facet.js"]) + build.gz_size(files["facet-app.js"]) <= 40 * 1024


def test_loader_is_served_gzipped_with_short_cache_and_cors(client):
    response = client.get("/widget/v1/facet.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(response.data) == (WIDGET / "dist" / "facet.js").read_bytes()
    plain = client.get("/widget/v1/facet.js")
    assert "Content-Encoding" not in plain.headers
    assert plain.data == (WIDGET / "dist" / "facet.js").read_bytes()


def test_versioned_app_bundle_is_immutable_and_etags_revalidate(client):
    loader = client.get("/widget/v1/facet.js").data.decode()
    version = loader.split("loader ", 1)[1][:10]
    assert "facet-app.js?v=' + F.version" in loader or "facet-app.js?v=" in loader
    fresh = client.get(f"/widget/v1/facet-app.js?v={version}")
    assert fresh.status_code == 200
    assert fresh.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = client.get("/widget/v1/facet-app.js?v=0000000000")
    assert stale.headers["Cache-Control"] == "public, max-age=300"
    again = client.get(
        f"/widget/v1/facet-app.js?v={version}", headers={"If-None-Match": fresh.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.data == b""


def test_only_dist_files_are_served(client):
    assert client.get("/widget/v1/nope.js").status_code == 404
    assert client.get("/widget/v1/..%2Fbuild.py").status_code == 404
    assert client.get("/widget/v1/build.py").status_code == 404
