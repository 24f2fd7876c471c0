"""Shopify bulk operations for full imports of big catalogs.

A bulk query runs on Shopify's side without spending the GraphQL cost bucket; its result is one JSONL file
where nested connections (variants, media, metafields) are separate lines carrying `__parentId`. Facet sorts
the products by id (the sync's deletion check needs id order) and pages them with cursors
`bulk:<operation id>:<offset>`, so an interrupted import resumes by re-downloading the same result (valid for
7 days) and skipping ahead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from connectors.base import CatalogProduct, ProductPage
from connectors.errors import ProtocolError
from connectors.shopify import catalog
from connectors.shopify.admin import ShopifyAdmin

PAGE_SIZE = 250
PREFIX = "bulk:"

BULK_PRODUCTS = """
{
  products {
    edges { node {
      id title handle vendor productType tags status updatedAt publishedAt onlineStoreUrl description
      media { edges { node { ... on MediaImage { image { url } } } } }
      metafields(namespace: "__NAMESPACE__") { edges { node { id key value type } } }
      variants { edges { node {
        id title sku price compareAtPrice availableForSale selectedOptions { name value } image { url }
      } } }
    } }
  }
}
""".replace("__NAMESPACE__", catalog.METAFIELD_NAMESPACE)

RUN = """
mutation FacetBulk($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message } }
}
"""

POLL = """
query FacetBulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } }
}
"""

COUNT = "query FacetCount { productsCount { count } shop { currencyCode primaryDomain { url } } }"


def count_products(admin: ShopifyAdmin) -> tuple[int, dict[str, Any]]:
    """How many products the shop has (decides bulk vs paging), and the `shop` object (currency, domain)."""
    data = admin.graphql(COUNT)
    count = int((data.get("productsCount") or {}).get("count") or 0)
    return count, data.get("shop") or {}


def start(admin: ShopifyAdmin) -> str:
    """Start the bulk query; returns the BulkOperation gid."""
    answer = admin.graphql(RUN, {"query": BULK_PRODUCTS})["bulkOperationRunQuery"]
    errors = [e["message"] for e in answer.get("userErrors") or []]
    if errors or not answer.get("bulkOperation"):
        raise ProtocolError("bulkOperationRunQuery: " + "; ".join(errors or ["no operation"]))
    return answer["bulkOperation"]["id"]


def wait(admin: ShopifyAdmin, operation_id: str, *, poll_seconds: float, timeout: float) -> str | None:
    """Poll until the operation completes; the result URL (None when the shop has no products)."""
    deadline = time.monotonic() + timeout
    while True:
        node = admin.graphql(POLL, {"id": operation_id}).get("node") or {}
        status = node.get("status")
        if status == "COMPLETED":
            return node.get("url")
        if status in ("FAILED", "CANCELED", "EXPIRED") or node == {}:
            detail = f"{status or 'missing'}: {node.get('errorCode')}"
            raise ProtocolError(f"bulk operation {operation_id} {detail}")
        if time.monotonic() > deadline:
            raise ProtocolError(f"bulk operation {operation_id} still {status} after {timeout:.0f}s")
        admin.http.wait(poll_seconds, f"bulk operation {status}")


def parse_jsonl(lines: Iterator[bytes], shop: str, currency: str | None) -> list[CatalogProduct]:
    """Rebuild products from JSONL lines (children follow with `__parentId`), sorted by product id."""
    nodes: dict[str, dict[str, Any]] = {}
    for raw in lines:
        if not raw.strip():
            continue
        line = json.loads(raw)
        parent = line.pop("__parentId", None)
        if parent is None:
            line["media"], line["variants"], line["metafields"] = {"nodes": []}, {"nodes": []}, {"nodes": []}
            nodes[line["id"]] = line
        elif parent in nodes:
            kind = _child_kind(str(line.get("id", "")))
            if kind == "media" and not line.get("image"):
                continue  # videos/3D models come through as empty objects
            nodes[parent][kind]["nodes"].append(line)
    products = [catalog.product_from_node(n, shop, currency) for n in nodes.values()]
    return sorted(
        products,
        key=lambda p: int(p.platform_id) if p.platform_id.isascii() and p.platform_id.isdigit() else 0,
    )


def _child_kind(gid: str) -> str:
    """Which connection a child line belongs to, by its gid (media lines carry none)."""
    if "/ProductVariant/" in gid:
        return "variants"
    return "metafields" if "/Metafield/" in gid else "media"


def pages(
    products: list[CatalogProduct], operation_id: str, offset: int, origins: list[str] | None = None
) -> Iterator[ProductPage]:
    """Page the sorted products; each cursor names the operation and the next offset."""
    for start_at in range(offset, max(len(products), 1), PAGE_SIZE):
        end = start_at + PAGE_SIZE
        nxt = f"{PREFIX}{operation_id}:{end}" if end < len(products) else None
        yield ProductPage(products=products[start_at:end], next_cursor=nxt, storefront_origins=origins or [])


def parse_cursor(cursor: str) -> tuple[str, int]:
    """`bulk:<gid>:<offset>` -> (gid, offset)."""
    body = cursor[len(PREFIX) :]
    operation_id, _, offset = body.rpartition(":")
    return operation_id, int(offset)
