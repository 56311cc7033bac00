import threading

import pytest
from django.db import connection
from django.test import Client

from plaza.core.errors import Conflict
from plaza.inventory.models import MovementReason
from plaza.orders import services
from plaza.orders.models import OrderStatus
from plaza.payments.models import Payment, PaymentStatus
from plaza.shops.models import StaffRole
from tests.factories import UserFactory
from tests.orders.factories import member, paid_order

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions) -> list:
    """Start the actions together, each on its own thread and database connection."""
    start = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            outcomes[index] = action()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_staff_accepting_at_once_one_wins_the_other_gets_a_conflict():
    order = paid_order()
    alice, bob = member(order.shop, StaffRole.STAFF), member(order.shop, StaffRole.STAFF)

    outcomes = race(lambda: services.accept(order, actor=alice), lambda: services.accept(order, actor=bob))

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Conflict", "Order"]
    assert sum(isinstance(outcome, Conflict) for outcome in outcomes) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert order.status_changes.count() == 1


def test_two_accept_clicks_through_the_api_give_one_200_and_one_409():
    order = paid_order()
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(member(order.shop, StaffRole.STAFF))
        clients.append(client)
    url = f"/api/v1/orders/shops/{order.shop.slug}/orders/{order.pk}/accept"

    responses = race(*(lambda client=client: client.post(url) for client in clients))

    assert sorted(response.status_code for response in responses) == [200, 409]
    conflict = next(response for response in responses if response.status_code == 409)
    assert conflict.json()["error"]["code"] == "invalid_transition"
    assert order.status_changes.count() == 1


def test_the_shop_accepting_while_the_shopper_cancels_leaves_one_outcome_and_consistent_stock():
    for _ in range(3):
        shopper = UserFactory()
        order = paid_order(customer=shopper, quantity=2)
        stock = order.lines.get().variant.stocks.get()
        staff = member(order.shop, StaffRole.STAFF)

        accepted, cancelled = race(
            lambda: services.accept(order, actor=staff),
            lambda: services.cancel_by_customer(order, user=shopper),
        )

        assert sum(isinstance(outcome, Conflict) for outcome in (accepted, cancelled)) == 1
        order.refresh_from_db()
        stock.refresh_from_db()
        restocks = stock.movements.filter(reason=MovementReason.RESTOCK).count()
        if isinstance(cancelled, Conflict):
            assert cancelled.message == "The shop has already started on this order; contact them to cancel."
            assert (order.status, stock.quantity, restocks) == (OrderStatus.ACCEPTED, 10, 0)
            assert Payment.objects.get(order=order).status == PaymentStatus.AUTHORIZED
        else:
            assert (order.status, stock.quantity, restocks) == (OrderStatus.CANCELLED, 12, 1)
            assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED
        assert order.status_changes.count() == 1


def test_a_double_clicked_cancel_gives_one_200_and_one_409_and_restocks_once():
    shopper = UserFactory()
    order = paid_order(customer=shopper, quantity=2)
    stock = order.lines.get().variant.stocks.get()
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(shopper)
        clients.append(client)
    url = f"/api/v1/orders/{order.token}/cancel"

    responses = race(*(lambda client=client: client.post(url, {}, content_type="application/json") for client in clients))

    assert sorted(response.status_code for response in responses) == [200, 409]
    stock.refresh_from_db()
    assert stock.quantity == 12
    assert stock.movements.filter(reason=MovementReason.RESTOCK).count() == 1
