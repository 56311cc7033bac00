import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plaza.orders import services
from plaza.orders.models import Order, OrderStatus
from plaza.payments.models import PaymentStatus
from plaza.shops.models import StaffRole
from tests.factories import UserFactory
from tests.orders.factories import PICKUP_CODE, member, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus
HTMX = {"HTTP_HX_REQUEST": "true"}


def board_url(order) -> str:
    return f"/merchant/{order.shop.slug}/orders/"


def action_url(order, action) -> str:
    return f"{board_url(order)}{order.pk}/{action}/"


# --- the shopper ----------------------------------------------------------------------


def test_my_orders_lists_mine_only_with_an_empty_state_first(client_for):
    shopper = UserFactory()
    client = client_for(shopper)
    empty = client.get("/orders/")
    assert "No orders yet" in empty.content.decode()

    mine = paid_order(customer=shopper)
    theirs = paid_order(customer=UserFactory())
    page = client.get("/orders/").content.decode()

    assert mine.number in page and theirs.number not in page
    assert Client().get("/orders/").status_code == 302


def test_my_orders_are_paginated(client_for):
    shopper = UserFactory()
    for _ in range(21):
        paid_order(customer=shopper)
    client = client_for(shopper)
    first, second = client.get("/orders/").content.decode(), client.get("/orders/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert client.get("/orders/?page=999999999999999999999").status_code == 200


def test_the_order_page_thanks_the_shopper_and_shows_the_pick_up_code_and_progress(order):
    page = Client().get(f"/orders/{order.token}/?placed=1").content.decode()
    assert "Thank you for your order!" in page
    assert PICKUP_CODE in page
    assert order.location.name in page
    assert "Order placed" in page and "Ready for pick-up" in page
    assert f'data-live-socket="/ws/orders/{order.token}/"' in page
    assert "Thank you" not in Client().get(f"/orders/{order.token}/").content.decode()


def test_the_order_page_of_a_cancelled_order_gives_the_reason_and_hides_the_code(order, staff):
    services.cancel(order, actor=staff, reason="Sold out, sorry")
    page = Client().get(f"/orders/{order.token}/status/").content.decode()
    assert "Sold out, sorry" in page
    assert PICKUP_CODE not in page


def test_a_wrong_token_is_404():
    assert Client().get(f"/orders/{uuid.uuid4()}/").status_code == 404
    assert Client().get(f"/orders/{uuid.uuid4()}/receipt/").status_code == 404


def test_the_receipt_lists_lines_totals_and_tax(order):
    receipt = Client().get(f"/orders/{order.token}/receipt/").content.decode()
    line = order.lines.get()
    assert f"Receipt — order {order.number}" in receipt
    assert line.product_title in receipt
    assert "€20.00" in receipt and "€3.33" in receipt


# --- the merchant ---------------------------------------------------------------------


def test_the_board_puts_each_order_in_its_column(client_for, order, staff):
    accepted = paid_order(status=S.ACCEPTED, location=order.location)
    done = paid_order(status=S.COMPLETED, location=order.location)
    awaiting_payment = paid_order(status=S.PENDING_PAYMENT, location=order.location)

    page = client_for(staff).get(board_url(order)).content.decode()

    cards = dict(re.findall(r'<article[^>]*data-column="(\w+)"[^>]*>.*?<a [^>]*>([^<]+)</a>', page, re.S))
    assert {number: column for column, number in cards.items()} == {
        order.number: "new",
        accepted.number: "accepted",
        done.number: "done",
    }
    assert awaiting_payment.number not in page
    assert f'data-live-socket="/ws/shops/{order.shop_id}/orders/"' in page


def test_the_board_filters_by_day(client_for, order, staff):
    old = paid_order(location=order.location)
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate().isoformat()

    page = client_for(staff).get(f"{board_url(order)}?day_from={today}&day_to={today}").content.decode()
    assert order.number in page and old.number not in page

    backwards = client_for(staff).get(f"{board_url(order)}?day_from={today}&day_to=2000-01-01")
    assert "Pick a day after the start." in backwards.content.decode()
    assert client_for(staff).get(f"{board_url(order)}?day_from=9999-12-31&day_to=nonsense").status_code == 200


def test_strangers_cannot_open_the_board_or_act(client_for, order):
    stranger = member(paid_order().shop, StaffRole.OWNER)
    client = client_for(stranger)
    assert client.get(board_url(order)).status_code == 403
    assert client.get(f"{board_url(order)}{order.pk}/").status_code == 403
    assert client.post(action_url(order, "accept")).status_code == 403
    assert Client().get(board_url(order)).status_code == 302
    order.refresh_from_db()
    assert order.status == S.NEW


def test_an_order_of_another_shop_is_404_on_this_shops_board(client_for, order, staff):
    elsewhere = paid_order()
    client = client_for(staff)
    assert client.get(f"{board_url(order)}{elsewhere.pk}/card/").status_code == 404
    assert client.post(f"{board_url(order)}{elsewhere.pk}/accept/").status_code == 404
    assert client.get(f"{board_url(order)}99999999999999999999/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == S.NEW


def test_accept_from_the_board_returns_the_card_for_its_new_column(client_for, order, staff):
    response = client_for(staff).post(action_url(order, "accept"), **HTMX)
    assert response.status_code == 200
    assert 'data-column="accepted"' in response.content.decode()
    assert "Ready for pick-up" in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.ACCEPTED


def test_without_htmx_an_action_redirects_back(client_for, order, staff):
    response = client_for(staff).post(action_url(order, "accept"), {"next": board_url(order)})
    assert response.status_code == 302 and response["Location"] == board_url(order)
    elsewhere = client_for(staff).post(action_url(order, "dispatch"), {"next": "https://evil.example/"})
    assert elsewhere["Location"] == f"{board_url(order)}{order.pk}/"


def test_cancel_without_a_reason_shows_the_error_in_the_open_dialog(client_for, order, staff):
    response = client_for(staff).post(action_url(order, "cancel"), {"reason": "", "restock": "on"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in html
    assert 'id="cancel-%d" aria-labelledby="cancel-%d-title" data-show-on-load' % (order.pk, order.pk) in html
    order.refresh_from_db()
    assert order.status == S.NEW


def test_a_wrong_pick_up_code_returns_the_card_as_it_stands_still_ready(client_for):
    order = paid_order(status=S.READY_FOR_PICKUP)
    member_of_shop = member(order.shop, StaffRole.STAFF)
    response = client_for(member_of_shop).post(action_url(order, "complete"), {"pickup_code": "000000"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "That pick-up code does not match this order." in html
    assert 'data-column="on_the_way"' in html and ">Ready for pick-up</span>" in html
    assert "Hand over…" in html
    order.refresh_from_db()
    assert order.status == S.READY_FOR_PICKUP


def test_a_refused_move_says_why(client_for, order, staff):
    response = client_for(staff).post(action_url(order, "dispatch"), **HTMX)
    assert response.status_code == 409
    assert "cannot become ready for pick-up" in response.content.decode()


def test_staff_see_no_refund_button_and_cannot_refund(client_for):
    order = paid_order(status=S.COMPLETED, payment_status=PaymentStatus.CAPTURED)
    staff, owner = member(order.shop, StaffRole.STAFF), member(order.shop, StaffRole.OWNER)

    assert "Refund…" not in client_for(staff).get(f"{board_url(order)}{order.pk}/").content.decode()
    refused = client_for(staff).post(action_url(order, "refund"), {"amount": "5.00"}, **HTMX)
    assert refused.status_code == 403
    owners_page = client_for(owner).get(f"{board_url(order)}{order.pk}/").content.decode()
    assert "Refund…" in owners_page
    assert "Up to €20.00 can be refunded." in owners_page
    done = client_for(owner).post(action_url(order, "refund"), {"amount": "5.00"}, **HTMX)
    assert done.status_code == 200
    order.refresh_from_db()
    assert str(order.refunded_total) == "5.00"


def test_the_merchant_order_page_shows_the_customer_and_history(client_for, order, staff):
    services.accept(order, actor=staff)
    page = client_for(staff).get(f"{board_url(order)}{order.pk}/").content.decode()
    assert order.email in page and order.customer_name in page
    assert f"Accepted by {staff}" in page
    assert PICKUP_CODE not in page


def test_actions_need_post_and_a_csrf_token(order, staff, client_for):
    assert client_for(staff).get(action_url(order, "accept")).status_code == 405
    assert client_for(staff).post(f"{board_url(order)}{order.pk}/explode/").status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.post(action_url(order, "accept")).status_code == 403
    order.refresh_from_db()
    assert order.status == S.NEW


def test_the_board_costs_the_same_queries_however_many_orders(client_for, order, staff):
    client = client_for(staff)
    statuses = (S.ACCEPTED, S.READY_FOR_PICKUP, S.COMPLETED)
    for status in statuses:
        paid_order(status=status, location=order.location)
    with CaptureQueriesContext(connection) as few:
        client.get(board_url(order))
    for status in (S.NEW, *statuses, S.CANCELLED) * 3:
        paid_order(status=status, location=order.location, quantity=3)
    with CaptureQueriesContext(connection) as many:
        client.get(board_url(order))
    assert len(many) == len(few)
