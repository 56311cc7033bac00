import uuid
from decimal import Decimal

import pytest
from django.test import Client

from plaza.orders import services
from plaza.orders.models import FulfilmentMethod, OrderStatus
from plaza.payments.models import PaymentStatus
from plaza.shops.models import StaffRole
from tests.factories import UserFactory
from tests.orders.factories import PICKUP_CODE, member, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus


def shop_orders_url(order, suffix: str = "") -> str:
    return f"/api/v1/orders/shops/{order.shop.slug}/orders{suffix}"


def action_url(order, action: str) -> str:
    return shop_orders_url(order, f"/{order.pk}/{action}")


# --- the shopper ----------------------------------------------------------------------


def test_a_shopper_lists_only_their_own_orders(token_client_for):
    shopper = UserFactory()
    mine = [paid_order(customer=shopper) for _ in range(3)]
    paid_order(customer=UserFactory())
    paid_order()

    response = token_client_for(shopper).get("/api/v1/orders/?limit=2")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["number"] for item in body["items"]] == [order.number for order in reversed(mine)][:2]
    assert body["items"][0]["order_url"] == f"/orders/{mine[-1].token}/"


def test_listing_my_orders_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/orders/").status_code == 401


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "offset=99999999999999999999999"])
def test_pagination_bounds_are_422(token_client_for, query):
    response = token_client_for(UserFactory()).get(f"/api/v1/orders/?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_anyone_with_the_token_reads_the_order_and_its_pick_up_code(api_client, order):
    response = api_client.get(f"/api/v1/orders/{order.token}")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == order.number
    assert body["pickup_code"] == PICKUP_CODE
    assert body["lines"][0]["quantity"] == 2
    assert Decimal(body["total"]) == Decimal("20.00")


@pytest.mark.parametrize("token", ["6f1c2a9e-0000-4000-8000-000000000000", "not-a-token", "ünïcødé", "0" * 500])
def test_a_wrong_token_is_404(api_client, order, token):
    response = api_client.get(f"/api/v1/orders/{token}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_polling_clients_get_status_changes_after_the_last_they_saw(api_client, order, staff):
    services.accept(order, actor=staff)
    first = order.status_changes.get()
    services.dispatch(order, actor=staff)

    everything = api_client.get(f"/api/v1/orders/{order.token}/events").json()
    after_first = api_client.get(f"/api/v1/orders/{order.token}/events?after={first.pk}").json()

    assert [change["to_status"] for change in everything["changes"]] == [S.ACCEPTED, S.READY_FOR_PICKUP]
    assert after_first == {"status": S.READY_FOR_PICKUP, "changes": [everything["changes"][1]]}
    assert api_client.get(f"/api/v1/orders/{order.token}/events?after=-1").status_code == 422
    assert api_client.get(f"/api/v1/orders/{uuid.uuid4()}/events").status_code == 404


# --- the shop -------------------------------------------------------------------------


def test_members_list_their_shops_orders_filtered_by_status(token_client_for, order, staff):
    accepted = paid_order(status=S.ACCEPTED, location=order.location)
    paid_order(status=S.PENDING_PAYMENT, location=order.location)
    paid_order()

    client = token_client_for(staff)
    everything = client.get(shop_orders_url(order)).json()
    only_accepted = client.get(shop_orders_url(order, "?status=accepted")).json()

    assert {item["number"] for item in everything["items"]} == {order.number, accepted.number}
    assert [item["number"] for item in only_accepted["items"]] == [accepted.number]
    assert "pickup_code" not in everything["items"][0]
    assert everything["items"][0]["email"]
    assert client.get(shop_orders_url(order, "?status=lost")).status_code == 422


def test_another_shops_owner_gets_403_and_cannot_reach_the_order_through_their_own_shop(token_client_for, order):
    other_order = paid_order()
    stranger = member(other_order.shop, StaffRole.OWNER)
    client = token_client_for(stranger)

    assert client.get(shop_orders_url(order)).status_code == 403
    assert client.post(action_url(order, "accept")).status_code == 403
    through_own_shop = f"/api/v1/orders/shops/{other_order.shop.slug}/orders/{order.pk}"
    assert client.get(through_own_shop).status_code == 404
    assert client.post(through_own_shop + "/accept").status_code == 404
    order.refresh_from_db()
    assert order.status == S.NEW


def test_a_shopper_is_not_a_merchant(token_client_for, order):
    assert token_client_for(UserFactory()).get(shop_orders_url(order)).status_code == 403
    assert Client().get(shop_orders_url(order)).status_code == 401


@pytest.mark.parametrize("order_id", ["0", "-3", "99999999999999999999999", "abc"])
def test_impossible_order_ids_are_422(token_client_for, order, staff, order_id):
    response = token_client_for(staff).get(shop_orders_url(order, f"/{order_id}"))
    assert response.status_code == 422


def test_staff_move_the_order_along_through_the_api(token_client_for, order, staff):
    client = token_client_for(staff)

    accepted = client.post(action_url(order, "accept"))
    ready = client.post(action_url(order, "dispatch"))
    wrong_code = client.post(action_url(order, "complete"), {"pickup_code": "111111"}, content_type="application/json")
    done = client.post(action_url(order, "complete"), {"pickup_code": PICKUP_CODE}, content_type="application/json")

    assert (accepted.status_code, accepted.json()["status"]) == (200, S.ACCEPTED)
    assert (ready.status_code, ready.json()["status_label"]) == (200, "Ready for pick-up")
    assert wrong_code.status_code == 422
    assert "pickup_code" in wrong_code.json()["error"]["fields"]
    assert (done.status_code, done.json()["status"]) == (200, S.COMPLETED)
    assert Decimal(done.json()["captured_total"]) == order.total
    assert client.post(action_url(order, "accept")).status_code == 409


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 300}, {"reason": 5}])
def test_cancel_without_a_usable_reason_is_422_and_changes_nothing(token_client_for, order, staff, payload):
    response = token_client_for(staff).post(action_url(order, "cancel"), payload, content_type="application/json")
    assert response.status_code == 422
    assert "reason" in response.json()["error"]["fields"]
    order.refresh_from_db()
    assert order.status == S.NEW


def test_cancel_through_the_api_keeps_damaged_goods_off_the_shelf(token_client_for, order, staff):
    response = token_client_for(staff).post(
        action_url(order, "cancel"), {"reason": "Dropped it", "restock": False}, content_type="application/json"
    )
    assert (response.status_code, response.json()["status"]) == (200, S.CANCELLED)
    assert not order.lines.get().variant.stocks.get().movements.exists()


def test_only_owners_refund_and_never_more_than_was_paid(token_client_for):
    order = paid_order(status=S.COMPLETED, fulfilment_method=FulfilmentMethod.SHIPPING, payment_status=PaymentStatus.CAPTURED)
    owner, staff = member(order.shop, StaffRole.OWNER), member(order.shop, StaffRole.STAFF)

    refused = token_client_for(staff).post(action_url(order, "refund"), {"amount": "5.00"}, content_type="application/json")
    too_much = token_client_for(owner).post(action_url(order, "refund"), {"amount": "20.01"}, content_type="application/json")
    bad = token_client_for(owner).post(action_url(order, "refund"), {"amount": "1e400"}, content_type="application/json")
    refunded = token_client_for(owner).post(action_url(order, "refund"), {"amount": "5.00"}, content_type="application/json")

    assert refused.status_code == 403
    assert too_much.status_code == 422 and too_much.json()["error"]["fields"]["amount"] == ["At most €20.00."]
    assert bad.status_code == 422
    assert refunded.status_code == 200
    assert (refunded.json()["refunded_total"], refunded.json()["refundable"]) == ("5.00", "15.00")


def test_a_session_post_without_the_csrf_token_is_refused(order, staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(action_url(order, "accept")).status_code in (401, 403)
    order.refresh_from_db()
    assert order.status == S.NEW


def test_the_openapi_document_describes_the_order_endpoints(api_client):
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/orders/shops/{shop_slug}/orders/{order_id}/refund" in paths
    assert "422" in paths["/api/v1/orders/shops/{shop_slug}/orders/{order_id}/refund"]["post"]["responses"]
