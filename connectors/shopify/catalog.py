"""Shopify product queries and the mapping of GraphQL nodes / REST webhook payloads to CatalogProduct."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.base import CatalogProduct, any_variant_available
from connectors.shopify.metafields import metafield_attributes

# A page's requested cost is 3 + PAGE_SIZE × (1 + MEDIA_FIRST + 2 × VARIANTS_FIRST + METAFIELDS_FIRST) (a
# variant and its image object count one each): 975 at 27, under Shopify's 1,000-point cap for a single query.
PAGE_SIZE = 27
MEDIA_FIRST = 5
# Spec metafields in the namespace the store admin's own metafield definitions use ("custom.lens_width"): an
# eyewear store keeps a frame's measurements there more often than in its title. Webhooks ask for the same
# namespace (`metafieldNamespaces`), so both reads see the same attributes.
METAFIELD_NAMESPACE = "custom"
METAFIELDS_FIRST = 10
# Variants come 10 per product with the page; a product with more (a foundation in forty shades) has the rest
# read by VARIANTS_QUERY, 100 at a time.
VARIANTS_FIRST = 10
VARIANTS_PAGE = 100
# Each variant's own image: a shade's swatch, read for its colour (`inference.catalog.colours`).
VARIANT_FIELDS = (
    "id title sku price compareAtPrice availableForSale selectedOptions { name value } image { url }"
)

PRODUCTS_QUERY = """
query FacetProducts(
  $first: Int!, $after: String, $query: String, $media: Int!, $variants: Int!, $metafields: Int!
) {
  shop { currencyCode primaryDomain { url } }
  products(first: $first, after: $after, query: $query, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle vendor productType tags status updatedAt publishedAt onlineStoreUrl description
      media(first: $media) { nodes { ... on MediaImage { image { url altText } } } }
      metafields(first: $metafields, namespace: "__NAMESPACE__") { nodes { key value type } }
      variants(first: $variants) {
        pageInfo { hasNextPage endCursor }
        nodes { __VARIANT_FIELDS__ }
      }
    }
  }
}
""".replace("__VARIANT_FIELDS__", VARIANT_FIELDS).replace("__NAMESPACE__", METAFIELD_NAMESPACE)

VARIANTS_QUERY = """
query FacetVariants($id: ID!, $first: Int!, $after: String) {
  product(id: $id) {
    variants(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { __VARIANT_FIELDS__ }
    }
  }
}
""".replace("__VARIANT_FIELDS__", VARIANT_FIELDS)

WEBHOOK_CREATE = """
mutation FacetWebhook($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic }
    userErrors { field message }
  }
}
"""

WEBHOOK_TOPICS = ("PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE", "APP_UNINSTALLED", "ORDERS_CREATE")
# Topics whose payloads hold protected customer data: Shopify needs the app's access approved for them.
PROTECTED_TOPICS = frozenset({"ORDERS_CREATE"})


def rest_topic(topic: str) -> str:
    """`ORDERS_CREATE` -> `orders/create`: the name a webhook delivery carries in X-Shopify-Topic."""
    return topic.lower().replace("_", "/", 1)


def gid_tail(gid: str | int) -> str:
    """`gid://shopify/Product/42` -> `42` (REST webhooks use the bare number, so both map to one key)."""
    return str(gid).rsplit("/", 1)[-1]


def parse_time(value: str | None) -> datetime | None:
    """Parse Shopify's ISO-8601 timestamps (`Z` or offset)."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _min_price(variants: list[dict[str, Any]]) -> Decimal | None:
    prices = [p for p in (_decimal(v.get("price")) for v in variants) if p is not None]
    return min(prices) if prices else None


def _on_online_store(product: dict[str, Any], field: str) -> bool:
    """Whether the product is published to the Online Store, where the widget lives: its page and
    `/cart/add` work nowhere else. `publishedAt` (REST `published_at`) is null when it is not.
    (`onlineStoreUrl` is not the test: it reads null on a password-protected shop, as every shop is before
    launch.)"""
    return field not in product or product[field] is not None


def product_from_node(node: dict[str, Any], shop: str, currency: str | None) -> CatalogProduct:
    """Map one GraphQL `Product` node."""
    variants = [
        {
            "id": gid_tail(v["id"]),
            "title": v.get("title"),
            "sku": v.get("sku"),
            "price": v.get("price"),
            "compare_at_price": v.get("compareAtPrice"),
            "available": bool(v.get("availableForSale", True)),
            "options": {o["name"]: o["value"] for o in v.get("selectedOptions") or []},
            "image_url": (v.get("image") or {}).get("url"),
        }
        for v in (node.get("variants") or {}).get("nodes") or []
    ]
    images = [
        m["image"]["url"]
        for m in (node.get("media") or {}).get("nodes") or []
        if m and (m.get("image") or {}).get("url")
    ]
    handle = node.get("handle") or ""
    return CatalogProduct(
        platform_id=gid_tail(node["id"]),
        title=node.get("title") or "",
        handle=handle,
        url=node.get("onlineStoreUrl") or f"https://{shop}/products/{handle}",
        vendor=node.get("vendor") or "",
        product_type=node.get("productType") or "",
        tags=list(node.get("tags") or []),
        price=_min_price(variants),
        currency=currency,
        variants=variants,
        image_urls=images,
        updated_at=parse_time(node.get("updatedAt")),
        in_stock=any(v["available"] for v in variants) if variants else True,
        active=(node.get("status") or "ACTIVE") == "ACTIVE" and _on_online_store(node, "publishedAt"),
        description=node.get("description") or "",
        attributes=metafield_attributes((node.get("metafields") or {}).get("nodes") or []),
    )


def rest_variant_available(variant: dict[str, Any]) -> bool | None:
    """Whether a webhook's variant can be bought; None when the payload cannot say.

    Why None: a variant whose inventory Shopify does not track (print on demand, made to order) reads
    quantity 0 with policy `deny` and is still for sale. Since the 2024-07 API the webhook no longer carries
    `inventory_management`, which told the two apart, nor `availableForSale`; only the GraphQL sync knows.
    """
    if (variant.get("inventory_quantity") or 0) > 0 or variant.get("inventory_policy") == "continue":
        return True
    if "inventory_management" not in variant:
        return None
    management = variant["inventory_management"]
    if management is None:
        return True  # not tracked
    return False if management == "shopify" else None  # a fulfillment service's count is not Shopify's


def product_from_rest(payload: dict[str, Any], shop: str) -> CatalogProduct:
    """Map a `products/create|update` webhook body (REST resource shape) to the same facts the GraphQL read
    gives: a webhook that disagreed (option names lost, no swatch) would look like a change every time."""
    # REST variants carry `option1..3` values; their names ("Color", "Shade") are the product's `options`.
    option_names = {
        int(o.get("position") or i + 1): o.get("name") for i, o in enumerate(payload.get("options") or [])
    }
    image_by_id = {i.get("id"): i.get("src") for i in payload.get("images") or [] if i.get("id")}
    variants = [
        {
            "id": str(v.get("id")),
            "title": v.get("title"),
            "sku": v.get("sku"),
            "price": v.get("price"),
            "compare_at_price": v.get("compare_at_price"),
            "available": rest_variant_available(v),
            "options": {
                option_names.get(i) or f"option{i}": v.get(f"option{i}")
                for i in (1, 2, 3)
                if v.get(f"option{i}")
            },
            "image_url": image_by_id.get(v.get("image_id")),
        }
        for v in payload.get("variants") or []
    ]
    tags = payload.get("tags") or ""
    tag_list = [t.strip() for t in tags.split(",") if t.strip()] if isinstance(tags, str) else list(tags)
    handle = payload.get("handle") or ""
    return CatalogProduct(
        platform_id=str(payload["id"]),
        title=payload.get("title") or "",
        handle=handle,
        url=f"https://{shop}/products/{handle}",
        vendor=payload.get("vendor") or "",
        product_type=payload.get("product_type") or "",
        tags=tag_list,
        price=_min_price(variants),
        currency=None,
        variants=variants,
        image_urls=[i["src"] for i in payload.get("images") or [] if i.get("src")],
        updated_at=parse_time(payload.get("updated_at")),
        in_stock=any_variant_available([v["available"] for v in variants]) if variants else True,
        active=(payload.get("status") or "active") == "active" and _on_online_store(payload, "published_at"),
        description=payload.get("body_html") or "",
        # Present only when the subscription names the namespace (`metafieldNamespaces`): a subscription made
        # before Facet asked for it says nothing about them, and the stored ones are kept.
        attributes=metafield_attributes(
            m for m in payload["metafields"] if m.get("namespace") == METAFIELD_NAMESPACE
        )
        if isinstance(payload.get("metafields"), list)
        else None,
    )
