"""The pages and sentences the WooCommerce connection shows a merchant's browser (Facet's own text only)."""

from __future__ import annotations

CONNECT_FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Connect WooCommerce</title></head>
<body><main><h1>Connect your WooCommerce store to Facet</h1>
<form method="post" action="{action}"><label for="store_url">Store URL</label>
<input id="store_url" name="store_url" type="url" required
 placeholder="https://shop.example.com" value="{value}">
<button type="submit">Connect</button></form>{error}</main></body></html>"""

NOT_CONNECTED_TEXT = (
    "Your store was not connected: access was not approved on your WooCommerce site. To connect it, "
    '<a href="connect">start again</a> and press “Approve” on the page WooCommerce shows.'
)
CONNECTED_TEXT = (
    "Your store is connected. Facet is importing your catalog; the try-on button appears on your product "
    "pages once it is in (Facet recognises your store by its address: no key to paste)."
)
NEXT_STEPS = (
    "Nothing to paste: the try-on button appears on your product pages once your catalog is imported "
    "(Facet recognises your store by its address)."
)

FINISHING_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{seconds};url={url}"><title>Finishing the connection</title></head>
<body><main><h1>Facet is finishing the connection to your store</h1>
<p>Your store has approved Facet; Facet is saving its access. This page checks again in a few seconds, or
<a href="{url}">check now</a>.</p></main></body></html>"""

NOT_RECEIVED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>The connection did not finish</title></head>
<body><main><h1>Facet has not received your store's approval</h1>
<p>Your store did not send Facet its access keys, or sent keys it does not accept itself. Connect again from
WordPress: WooCommerce, then Facet Try-On, then "Connect this store to Facet". If it happens again, your
store may not be able to reach Facet over HTTPS; your host can tell you.</p>
<p><a href="{url}">Check once more</a></p></main></body></html>"""


def plain_page(text: str) -> str:
    """A bare page around one trusted sentence (Facet's own text, never store data)."""
    return f"<!doctype html><title>Facet</title><p>{text}</p>"
