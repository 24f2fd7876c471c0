"""The dashboard's conversion lift, computed from beacons sent through the real widget events API.

Sessions are counted once per group, only from `storefront_view` beacons of the store's current experiment;
other experiments, other stores and sessions that never sent a view do not count. The verdict waits for
enough data, then states the difference with its 95% interval (`plugin_api.services.lift_stats`, whose
numbers are checked against published values in test_lift_stats.py).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from plugin_api.extensions import db
from plugin_api.models import Merchant
from plugin_api.services.experiment import assigned_group, set_holdout_percent
from plugin_api.services.lift_stats import mover_ratio, newcombe_difference
from tests.dashboard.helpers import SUMMARY, event, send_events, signed_in


def start_test(app: Flask, merchant: Merchant, percent: int) -> str:
    with app.app_context():
        return set_holdout_percent(db.session.get(Merchant, merchant.id), percent).id


def sessions(group: str, experiment_id: str, percent: int, count: int, prefix: str = "tab") -> list[str]:
    """`count` session ids that the loader's hash puts in `group`."""
    found: list[str] = []
    n = 0
    while len(found) < count:
        sid = f"{prefix}-{n:06d}"
        if assigned_group(sid, experiment_id, percent) == group:
            found.append(sid)
        n += 1
    return found


def view(sid: str, group: str, exp: str) -> dict[str, Any]:
    return event("storefront_view", sid, "sku-1", group=group, experiment=exp)


def store_add(sid: str, group: str, exp: str) -> dict[str, Any]:
    return event("store_add_to_cart", sid, "sku-1", group=group, experiment=exp)


def facet_click(sid: str, group: str, exp: str, action: str = "add") -> dict[str, Any]:
    """The widget's Add to cart click beacon: sent on the click, before (and whether or not) the add works."""
    return event("add_to_cart_clicked", sid, "sku-2", group=group, experiment=exp, action=action, rank=1)


def test_sessions_and_add_to_carts_are_counted_once_for_this_experiment_and_store(
    app, client, merchant_factory
):
    store, other = merchant_factory(), merchant_factory()
    exp = start_test(app, store, 50)
    other_exp = start_test(app, other, 50)
    h1, h2 = sessions("holdout", exp, 50, 2)
    e1, e2, e3 = sessions("exposed", exp, 50, 3)
    events = [
        # Sessions: each once, however many pages it viewed.
        *(view(h1, "holdout", exp) for _ in range(3)),
        view(h2, "holdout", exp),
        *(view(e1, "exposed", exp) for _ in range(2)),
        view(e2, "exposed", exp),
        view(e3, "exposed", exp),
        # Add-to-carts: only what the loader's cart watchers saw (twice in one session: still one session).
        # Facet's Add to cart clicks are not add-to-carts: the add it starts is seen by the same watchers as
        # the store's own (it fetches the store's cart URL) when it works; the click beacon is sent before it
        # runs and exists in the exposed group only, so counting it would favour that group.
        store_add(h1, "holdout", exp),
        store_add(h1, "holdout", exp),
        store_add(e1, "exposed", exp),
        facet_click(e2, "exposed", exp),
        facet_click(e3, "exposed", exp, action="product_page"),
        # An add-to-cart from a session that sent no view of this experiment does not count.
        store_add(sessions("exposed", exp, 50, 1, prefix="noview")[0], "exposed", exp),
        # Another experiment of this store (an earlier split) does not count.
        *(view(sid, "exposed", "xEarlier1") for sid in sessions("exposed", exp, 50, 4, prefix="old")),
        store_add(e2, "exposed", "xEarlier1"),
        # Untagged events (before the test, or from an old loader) do not count.
        event("storefront_view", "untagged-0001"),
        event("opened", e1),
    ]
    send_events(client, store, events)
    # The other store's shoppers, even with this store's experiment id on their beacons, never count here.
    send_events(
        client,
        other,
        [view(f"theirs-{i:04d}", "exposed", exp) for i in range(5)]
        + [view(sid, "holdout", other_exp) for sid in sessions("holdout", other_exp, 50, 3)],
    )

    lift = signed_in(app, store).get(SUMMARY).json["lift"]
    assert (lift["status"], lift["experiment_id"], lift["holdout_percent"]) == ("not_enough_data", exp, 50)
    assert lift["holdout"] == {"sessions": 2, "sessions_with_add_to_cart": 1, "add_to_cart_rate": 0.5}
    assert lift["exposed"] == {"sessions": 3, "sessions_with_add_to_cart": 1, "add_to_cart_rate": 0.3333}
    # No interval below the minimum: 200 sessions and 10 with an add-to-cart per group. With 2 add-to-carts in
    # 5 sessions so far, the holdout needs 198 more sessions (at 50%: 396 storefront sessions in all).
    assert lift["absolute_difference"] is None and lift["relative_difference"] is None
    assert (lift["needs_more_sessions_per_group"], lift["needs_more_sessions_total"]) == (198, 396)
    assert lift["verdict"] == (
        "Not enough data yet (needs about 198 more sessions per group; at a 50% holdout that is about 396 "
        "more storefront sessions in all)."
    )
    assert lift["split_warning"] is None

    other_lift = signed_in(app, other).get(SUMMARY).json["lift"]
    assert other_lift["experiment_id"] == other_exp
    assert (other_lift["holdout"]["sessions"], other_lift["exposed"]["sessions"]) == (3, 0)


def test_with_enough_data_the_verdict_states_the_lift_and_its_interval(app, client, merchant_factory):
    store = merchant_factory()
    exp = start_test(app, store, 50)
    held, shown = sessions("holdout", exp, 50, 240), sessions("exposed", exp, 50, 260)
    events = [view(s, "holdout", exp) for s in held] + [view(s, "exposed", exp) for s in shown]
    events += [store_add(s, "holdout", exp) for s in held[:12]]
    # Facet's click beacons (some in sessions with an add, some not: a failed add) change nothing.
    events += [store_add(s, "exposed", exp) for s in shown[:40]] + [
        facet_click(s, "exposed", exp) for s in shown[20:60]
    ]
    send_events(client, store, events)

    admin = signed_in(app, store)
    lift = admin.get(SUMMARY).json["lift"]
    assert lift["holdout"]["sessions"] == 240 and lift["holdout"]["sessions_with_add_to_cart"] == 12
    assert lift["exposed"]["sessions"] == 260 and lift["exposed"]["sessions_with_add_to_cart"] == 40
    diff, ratio = newcombe_difference(40, 260, 12, 240), mover_ratio(40, 260, 12, 240)
    assert diff.low > 0  # 15.4% against 5.0%: a difference the interval is sure of
    assert lift["absolute_difference"] == {
        "estimate": round(diff.estimate, 4),
        "low": round(diff.low, 4),
        "high": round(diff.high, 4),
    }
    assert lift["relative_difference"] == {
        "estimate": round(ratio.estimate - 1, 4),
        "low": round(ratio.low - 1, 4),
        "high": round(ratio.high - 1, 4),
    }
    more, low, high = (round(100 * (v - 1)) for v in (ratio.estimate, ratio.low, ratio.high))
    assert lift["status"] == "more_often"
    assert lift["verdict"] == (
        f"Sessions offered Facet added to cart {more}% more often than held-out sessions "
        f"(95% CI {low}% to {high}%)."
    )
    assert (lift["needs_more_sessions_per_group"], lift["needs_more_sessions_total"]) == (0, 0)
    assert "Newcombe" in lift["method"]

    page = admin.get("/admin").get_data(as_text=True)
    assert '<p class="next" data-lift-verdict="more_often">' in page
    assert lift["verdict"] in page
    assert '<tr data-lift-group="exposed">' in page and '<td class="n" data-lift-sessions>260</td>' in page
    assert '<td class="n" data-lift-rate>5.0 %</td>' in page  # the holdout's 12 of 240
    # The small print says what the groups are and where the figures come from.
    assert "Groups are per browser tab" in page and "not independent" in page
    assert "unauthenticated storefront beacons" in page and "many addresses still could" in page
    # The same figures from the experiment's own endpoint.
    assert admin.get("/api/v1/admin/experiment").json == lift

    # A new share is a new experiment: its figures start from zero, and the test it ends is kept with its
    # verdict (changing the share used to wipe weeks of figures without a trace).
    fresh = admin.put("/api/v1/admin/experiment", json={"holdout_percent": 20}).json
    assert fresh["experiment_id"] != exp
    assert fresh["holdout"]["sessions"] == 0 and fresh["exposed"]["sessions"] == 0
    assert fresh["verdict"].startswith("Not enough data yet (no add-to-carts recorded in this test yet")
    [ended] = fresh["past_tests"]
    assert (ended["experiment_id"], ended["holdout_percent"], ended["status"]) == (exp, 50, "more_often")
    assert ended["verdict"] == lift["verdict"] and ended["exposed"] == lift["exposed"]
    assert ended["relative_difference"] == lift["relative_difference"]
    assert ended["started_at"] == lift["started_at"] and ended["ended_at"] >= ended["started_at"]
    # Ending the second test keeps both, newest first, and the dashboard lists them.
    off = admin.put("/api/v1/admin/experiment", json={"holdout_percent": 0}).json
    assert off["status"] == "off" and [t["experiment_id"] for t in off["past_tests"]] == [
        fresh["experiment_id"],
        exp,
    ]
    page = admin.get("/admin").get_data(as_text=True)
    assert f'<li data-lift-past-test="{exp}">' in page and lift["verdict"] in page
    assert "5.0 % of 240 held out" in page  # the holdout's 12 of 240, kept


def test_no_measurable_difference_is_said_plainly(app, client, merchant_factory):
    store = merchant_factory()
    exp = start_test(app, store, 50)
    held, shown = sessions("holdout", exp, 50, 200), sessions("exposed", exp, 50, 210)
    events = [view(s, "holdout", exp) for s in held] + [view(s, "exposed", exp) for s in shown]
    events += [store_add(s, "holdout", exp) for s in held[:20]] + [
        store_add(s, "exposed", exp) for s in shown[:22]
    ]
    send_events(client, store, events)
    lift = signed_in(app, store).get(SUMMARY).json["lift"]
    assert lift["status"] == "no_difference"
    assert lift["absolute_difference"]["low"] < 0 < lift["absolute_difference"]["high"]
    assert lift["verdict"].startswith("No measurable difference yet (95% CI: from ")


def test_without_a_holdout_the_section_explains_it(app, merchant_factory):
    store = merchant_factory()
    admin = signed_in(app, store)
    lift = admin.get(SUMMARY).json["lift"]
    assert (lift["status"], lift["holdout_percent"], lift["experiment_id"]) == ("off", 0, None)
    assert lift["holdout"] is None and lift["exposed"] is None
    page = admin.get("/admin").get_data(as_text=True)
    assert '<h2 id="lift">Conversion lift</h2>' in page
    assert "never shows them the Facet button" in page
    assert 'action="/admin/experiment"' in page and 'name="holdout_percent"' in page
