"""The pages and sentences the WooCommerce connection shows a merchant's browser (Facet's own text only)."""

from __future__ import annotations

# Every page reads on a phone: a merchant often approves from the WordPress app.
_HEAD = (
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}"
    "input,button{font:inherit;padding:.5rem;margin:.25rem 0;max-width:100%}input{width:100%}</style>"
)
# The same, inside templates filled with str.format.
_TEMPLATE_HEAD = _HEAD.replace("{", "{{").replace("}", "}}")

CONNECT_FORM = """<!doctype html><html lang="en"><head>__HEAD__
<title>Connect WooCommerce</title></head>
<body><main><h1>Connect your WooCommerce store to Facet</h1>
<form method="post" action="{action}"><label for="store_url">Store URL</label>
<input id="store_url" name="store_url" type="url" required
 placeholder="https://shop.example.com" value="{value}">
<button type="submit">Connect</button></form>{error}</main></body></html>"""
CONNECT_FORM = CONNECT_FORM.replace("__HEAD__", _TEMPLATE_HEAD)

NOT_CONNECTED_TEXT = (
    "Your store was not connected: access was not approved on your WooCommerce site. To connect it, "
    '<a href="connect">start again</a> and press “Approve” on the page WooCommerce shows.'
)
# The browser that comes back is not the one that started the connection (or its one-hour cookie ran out):
# whether the store's keys arrived cannot be told from here, so it is not said they did.
UNKNOWN_BROWSER_TEXT = (
    "WooCommerce has sent you back to Facet, but this browser is not the one that started the connection "
    "(or it started more than an hour ago), so Facet cannot show your store here. In WordPress, open "
    "WooCommerce, then Facet Try-On: it shows whether your store is connected and opens your Facet "
    "dashboard, or lets you connect it again."
)
ALREADY_CONNECTED_TEXT = (
    "Your store is connected to Facet, with new access keys. Facet already knew this store, so for your "
    "security this page does not open its dashboard: go to WooCommerce, then Facet Try-On in your WordPress "
    "admin, and click “Open Facet dashboard”."
)
SIGN_IN_REFUSED_TEXT = (
    "Facet could not check this sign-in: it is more than two minutes old, was already used, or was not "
    "signed with the access keys Facet holds for your store. Go back to WooCommerce, then Facet Try-On, and "
    "click “Open Facet dashboard” again. If it still fails, click “Connect this store to Facet” to renew "
    "Facet’s keys first."
)
CROSS_SITE_TEXT = (
    "This connection was started from another website, so Facet did not start it. To connect your store, "
    "open WooCommerce, then Facet Try-On in your WordPress admin, and click “Connect this store to Facet”."
)
NEXT_STEPS = (
    "Nothing to paste: the try-on button appears on your product pages once your catalog is imported "
    "(Facet recognises your store by its address)."
)

FINISHING_PAGE = """<!doctype html><html lang="en"><head>__HEAD__
<meta http-equiv="refresh" content="{seconds};url={url}"><title>Finishing the connection</title></head>
<body><main><h1>Facet is finishing the connection to your store</h1>
<p>Your store has approved Facet; Facet is saving its access. This page checks again in a few seconds, or
<a href="{url}">check now</a>.</p></main></body></html>""".replace("__HEAD__", _TEMPLATE_HEAD)

NOT_RECEIVED_PAGE = """<!doctype html><html lang="en"><head>__HEAD__
<title>The connection did not finish</title></head>
<body><main><h1>Facet has not received your store's approval</h1>
<p>Your store did not send Facet its access keys, or sent keys it does not accept itself. Connect again from
WordPress: WooCommerce, then Facet Try-On, then "Connect this store to Facet". If it happens again, your
store may not be able to reach Facet over HTTPS; your host can tell you.</p>
<p><a href="{url}">Check once more</a></p></main></body></html>""".replace("__HEAD__", _TEMPLATE_HEAD)


def plain_page(text: str) -> str:
    """A bare page around one trusted sentence (Facet's own text, never store data)."""
    head = f'<!doctype html><html lang="en"><head>{_HEAD}<title>Facet</title></head>'
    return f"{head}<body><main><p>{text}</p></main></body></html>"
