"""`flask facet admin-link <store>`: a sign-in link to a store's merchant dashboard, for support and demos."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from plugin_api.admin.links import sign_in_url


@click.command("admin-link")
@with_appcontext
@click.argument("store")
def admin_link_command(store: str) -> None:
    """Print a link that signs into STORE's dashboard (shop domain, store URL or merchant id); it works once,
    within 15 minutes. Hand it only to the store's own staff: whoever signs in with it first sees the store's
    dashboard."""
    from plugin_api.cli import find_store  # the group this command attaches to

    merchant = find_store(store)
    if not merchant.is_installed:
        raise click.ClickException(
            f"Facet is no longer installed on {merchant.shop_domain}: its dashboard would refuse the link."
        )
    click.echo(sign_in_url(merchant))
