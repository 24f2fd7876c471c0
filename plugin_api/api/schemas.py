"""Marshmallow schemas shared by the API blueprints (OpenAPI documentation and serialisation)."""

from __future__ import annotations

import marshmallow as ma

from plugin_api.errors import ErrorSchema

__all__ = ["AnalysisSchema", "ErrorSchema"]

# What a finished analysis returns (abridged: one try-on item and one recommendation shown).
RESULT_EXAMPLE = {
    "image": {"width": 1024, "height": 1024},
    "faces_found": 1,
    "face": {
        "box": [412.0, 126.0, 661.0, 427.0],
        "score": 0.97,
        "points": {
            "left_eye": [478.1, 247.5],
            "right_eye": [585.9, 243.0],
            "nose_tip": [532.0, 309.4],
            "nose_bridge": [531.2, 246.8],
            "mouth_left": [490.6, 357.2],
            "mouth_right": [573.3, 354.1],
            "chin": [533.5, 421.0],
            "forehead": [530.0, 150.2],
            "left_temple": [424.9, 236.1],
            "right_temple": [645.2, 229.8],
        },
        "pose": {"roll": -2.4, "yaw": 3.1, "pitch": 5.0},
    },
    "quality": {
        "ok": True,
        "issues": [],
        "brightness": 0.52,
        "sharpness": 143.0,
        "eye_sharpness": 610.0,
        "face_fraction": 0.29,
    },
    "skin": {
        "monk": 4,
        "monk_hex": "#eadaba",
        "hex": "#d9b49b",
        "lab": [76.4, 9.1, 17.0],
        "ita": 52.7,
        "undertone": "neutral",
        "undertone_close_to": None,
        "season": {"name": "summer", "subtype": "soft summer", "label": "soft summer"},
        "palette": {
            "best": ["#8e9aaf", "#b5838d", "#9aab89"],
            "avoid": ["#ff0000", "#ff8c00"],
            "best_names": ["blue grey", "rose", "khaki"],
            "avoid_names": ["red", "orange"],
            "frame_best": ["#8a8d8f", "#9c7b8a", "#6d8a96"],
            "frame_avoid": ["#141414", "#c0282d"],
            "frame_best_names": ["grey", "light mauve", "deep blue grey"],
            "frame_avoid_names": ["black", "red"],
        },
        "confidence": 0.81,
        "hue_tolerance": 1.0,
        "overexposure_doubt": 0.0,
        "reliable": True,
    },
    "face_shape": {"label": "oval", "scores": {"oval": 0.41, "round": 0.18, "heart": 0.14}, "close_to": None},
    "concerns": {"redness": 12, "uneven_tone": 20, "texture": 31, "shine": 8, "dark_circles": 25},
    "fit": {"pd_mm": 62.5, "face_width_mm": 138.0, "uncertainty_mm": 2.1},
    "timing_ms": {"decode": 4.1, "detect": 2.6, "mesh": 6.5, "skin": 3.0, "total": 43.0},
    "tryon": {
        "items": [
            {
                "product_id": "demo-frame-03",
                "title": "Round Tortoise Glasses 49-21-145",
                "url": "/demo/products/demo-frame-03",
                "add_to_cart": {"method": "POST", "url": "/demo/cart/add", "fields": {"id": "demo-frame-03"}},
                "asset_url": "/api/v1/widget/assets/demo-frame-03.png?key=pk_demo",
                "asset_size": [800, 300],
                "homography": [[0.18, 0.01, 455.0], [-0.01, 0.18, 222.0], [0.0, 0.0, 1.0]],
                "fit": "fits",
            }
        ]
    },
    "recommendations": [
        {
            "product_id": "demo-shade-4n",
            "title": "Second Skin Foundation — 4N Neutral Sand",
            "url": "/demo/products/demo-shade-4n",
            "image_url": "/media/demo/demo-shade-4n.png",
            "price": "34.00",
            "category": "foundation",
            "score": 0.91,
            "reasons": ["closest shade: ΔE 1.8, neutral undertone like yours"],
            "closest_shade": True,
            "tryon": None,
            "add_to_cart": {
                "method": "POST",
                "url": "/demo/cart/add",
                "fields": {"id": "demo-shade-4n"},
                "ajax_url": "/demo/cart/add",
                "cart_url": "/demo/cart",
            },
        }
    ],
    "this_product": {
        "product_id": "demo-lip-01",
        "title": "Satin Lipstick — Nude Beige",
        "url": "/demo/products/demo-lip-01",
        "image_url": "/media/demo/demo-lip-01.png",
        "price": "22.00",
        "category": "lipstick",
        "score": 0.52,
        "reasons": ["Nude Beige is lighter and more muted than your warm spring palette's nearest colour"],
        "closest_shade": False,
        "suits": False,
        "tryon": None,
        "add_to_cart": {
            "method": "POST",
            "url": "/demo/cart/add",
            "fields": {"id": "demo-lip-01"},
        },
    },
    "closest_shades": [
        {
            "category": "foundation",
            "product_id": "demo-shade-4n",
            "variant_id": "demo-shade-4n-v1",
            "delta_e": 1.8,
        }
    ],
}


class AnalysisSchema(ma.Schema):
    id = ma.fields.UUID(required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    poll_url = ma.fields.String(
        required=True, metadata={"description": "Absolute URL; GET it until `status` is final."}
    )
    product_id = ma.fields.String(allow_none=True)
    queued_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    error_code = ma.fields.String(
        allow_none=True, metadata={"description": "Set when failed, e.g. `no_face`, `analysis_error`."}
    )
    error_message = ma.fields.String(
        allow_none=True, metadata={"description": "A message to show the shopper."}
    )
    result = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": (
                "The analysis result when done. Pixel coordinates are in the upright photo; left/right mean "
                "image-left/image-right. `skin.reliable` false: the widget withholds the shade and concerns "
                "(the photo's lighting, blur or face size falsify colour). Concerns are cosmetic 0–100 "
                "indices, not a medical assessment. `this_product`: the product the widget was opened from "
                "(`product_id`), scored and explained for this shopper like a recommendation, whether or not "
                "it made the list; null without a `product_id` or when the store does not offer it."
            ),
            "example": RESULT_EXAMPLE,
        },
    )
