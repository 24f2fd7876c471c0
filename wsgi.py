"""WSGI entry point: `gunicorn wsgi:app`."""

from __future__ import annotations

import threading

from plugin_api import create_app
from plugin_api.jobs.worker import warm_up

app = create_app()

# Without Redis the analyses run inside this web process (the embedded default, `make demo`): load the face
# models now, in the background, so the first shopper does not wait ~5 s for them (a second walkthrough
# measured 8.7 s for the first analysis after a start, 0.1–0.8 s after). With Redis the workers warm up.
if app.extensions.get("facet.redis") is None:
    threading.Thread(target=warm_up, name="facet-warm-up", daemon=True).start()
