"""The dashboard's "Sign out" (this browser) and "Sign out everywhere" (every session of the store).

A dashboard session is an 8-hour signed cookie: without these, a merchant on a shared computer, or one whose
staff member left, could only wait it out or uninstall Facet. Everywhere ends sessions signed before now,
the way an uninstall does (`session.end_every_session`).
"""

from __future__ import annotations

from flask import Response, make_response, render_template, request

from plugin_api.admin.same_origin import require_own_page
from plugin_api.admin.session import authenticate_admin, end_every_session, end_session
from plugin_api.errors import ApiError
from plugin_api.extensions import db


def sign_out() -> Response:
    """`POST /admin/sign-out` (`everywhere=yes`: every session of the store)."""
    require_own_page()
    everywhere = request.form.get("everywhere") == "yes"
    if everywhere:
        merchant = authenticate_admin()
        end_every_session(merchant)
        db.session.commit()
    else:
        try:
            authenticate_admin()
        except ApiError:
            pass  # signed out already, or the session had ended: the cookie goes all the same
    page = render_template("admin/signed_out.html", everywhere=everywhere)
    return end_session(make_response(page, 200))
