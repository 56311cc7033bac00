"""Statements built once and bound again: the same rows and writes as the ORM's, on both databases."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from plaza.catalog.models import Variant
from plaza.core.compiled import DELETE, UPDATE, CompiledQuery, insert
from plaza.core.models import OutboxEvent
from plaza.orders.models import Order, OrderStatus, OrderStatusChange
from tests.factories import LocationFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

PRICES = CompiledQuery(
    Variant,
    lambda product_id, skus: Variant.objects.filter(product_id=product_id, sku__in=skus)
    .values_list("sku", "price")
    .order_by("sku"),
)


@pytest.fixture
def variants():
    product = ProductFactory()
    return [VariantFactory(product=product, sku=f"SKU-{n}", option1=f"No. {n}", price=Decimal(f"{n}.50")) for n in range(1, 5)]


def test_a_compiled_read_returns_what_the_orm_returns_for_each_set_of_values(variants):
    product_id = variants[0].product_id
    for skus in (["SKU-1", "SKU-3"], ["SKU-2", "SKU-4"], ["SKU-4"], ["SKU-1", "SKU-2", "SKU-3"]):
        expected = list(Variant.objects.filter(product_id=product_id, sku__in=skus).values_list("sku", "price").order_by("sku"))
        assert PRICES(product_id=product_id, skus=skus) == expected
    # Prices come back as Decimals on SQLite too: the fields' converters run.
    assert PRICES(product_id=product_id, skus=["SKU-2"]) == [("SKU-2", Decimal("2.50"))]
    assert PRICES(product_id=product_id + 1, skus=["SKU-2"]) == []


def test_each_length_of_a_list_is_its_own_statement(variants):
    reads = CompiledQuery(Variant, lambda skus: Variant.objects.filter(sku__in=skus).values_list("sku"))
    reads(skus=["SKU-1"])
    reads(skus=["SKU-2"])
    reads(skus=["SKU-1", "SKU-2"])
    assert len(reads._statements) == 2


def test_a_compiled_update_changes_only_the_rows_its_filter_still_matches(variants):
    reprice = CompiledQuery(
        Variant,
        lambda variant_id, sku, option1: (Variant.objects.filter(pk=variant_id, sku=sku), {"option1": option1}),
        UPDATE,
    )
    first, second = variants[:2]
    assert reprice(variant_id=first.pk, sku="SKU-1", option1="Red") == 1
    assert reprice(variant_id=second.pk, sku="SKU-1", option1="Blue") == 0
    assert list(Variant.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk").values_list("option1", flat=True)) == [
        "Red",
        "No. 2",
    ]


def new_order(number: str) -> Order:
    location = LocationFactory()
    return Order(
        shop=location.shop, location=location, number=number, email="a@b.test", customer_name="A", fulfilment_method="pickup"
    )


def test_a_compiled_update_may_set_what_the_database_computes():
    order = new_order("PLZ-TEST01")
    order.save()
    long_ago = timezone.now() - timedelta(days=365)
    Order.objects.filter(pk=order.pk).update(updated_at=long_ago)
    move = CompiledQuery(
        Order,
        lambda order_id, status: (Order.objects.filter(pk=order_id), {"status": status, "updated_at": Now()}),
        UPDATE,
    )
    assert move(order_id=order.pk, status=OrderStatus.NEW) == 1
    status, after = Order.objects.values_list("status", "updated_at").get(pk=order.pk)
    # The database's clock (to the millisecond on SQLite) stamped it just now.
    assert status == OrderStatus.NEW and abs(after - timezone.now()) < timedelta(minutes=1)


def test_a_compiled_delete_removes_only_what_it_matches(variants):
    remove = CompiledQuery(Variant, lambda skus: Variant.objects.filter(sku__in=skus), DELETE)
    assert remove(skus=["SKU-1", "SKU-4", "SKU-9"]) == 2
    assert sorted(Variant.objects.values_list("sku", flat=True)) == ["SKU-2", "SKU-3"]


@pytest.mark.parametrize(
    "value, error",
    [(True, TypeError), (None, TypeError), (1.5, TypeError), ([], ValueError), (Decimal("1"), TypeError)],
)
def test_values_a_statement_cannot_be_bound_with_are_refused(variants, value, error):
    reads = CompiledQuery(Variant, lambda sku: Variant.objects.filter(sku=sku).values_list("pk"))
    with pytest.raises(error):
        reads(sku=value)


def test_an_argument_the_orm_rewrites_cannot_be_compiled(variants):
    # ``contains`` wraps the value in % signs: binding it later would search for the wrong text.
    reads = CompiledQuery(Variant, lambda text: Variant.objects.filter(sku__contains=text).values_list("pk"))
    with pytest.raises(ValueError, match="rewrote"):
        reads(text="SKU")


def test_an_argument_the_statement_does_not_use_is_refused(variants):
    reads = CompiledQuery(Variant, lambda sku, unused: Variant.objects.filter(sku=sku).values_list("pk"))
    with pytest.raises(ValueError, match="unused"):
        reads(sku="SKU-1", unused=3)


def test_a_statement_of_another_model_is_refused(variants):
    reads = CompiledQuery(Order, lambda sku: Variant.objects.filter(sku=sku).values_list("pk"))
    with pytest.raises(TypeError):
        reads(sku="SKU-1")


def test_insert_saves_new_rows_as_bulk_create_would():
    order = new_order("PLZ-TEST02")
    insert([order])
    assert order.pk is not None and not order._state.adding
    saved = Order.objects.get(pk=order.pk)
    # Defaults and auto_now_add were filled in, as the ORM fills them.
    assert (saved.token, saved.pickup_code, saved.status, saved.total) == (
        order.token, order.pickup_code, OrderStatus.PENDING_PAYMENT, Decimal("0.00"),
    )
    assert saved.created_at == order.created_at is not None

    changes = insert(
        [
            OrderStatusChange(order=order, from_status="pending_payment", to_status=to_status, note=f"step {n}")
            for n, to_status in enumerate(["new", "accepted", "ready_for_pickup"])
        ]
    )
    assert [change.pk for change in changes] == list(
        OrderStatusChange.objects.filter(order=order).order_by("pk").values_list("pk", flat=True)
    )
    assert list(OrderStatusChange.objects.filter(order=order).order_by("pk").values_list("note", flat=True)) == [
        "step 0", "step 1", "step 2",
    ]


def test_insert_writes_json_as_the_field_stores_it():
    event = insert([OutboxEvent(topic="test.inserted", payload={"text": "naïve ünïcode", "n": [1, 2]})])[0]
    assert OutboxEvent.objects.get(pk=event.pk).payload == {"text": "naïve ünïcode", "n": [1, 2]}


def test_insert_refuses_an_expression_it_cannot_bind(variants):
    variant = Variant(product_id=variants[0].product_id, sku="SKU-X", price=F("price"))
    with pytest.raises(TypeError):
        insert([variant])
    assert not Variant.objects.filter(sku="SKU-X").exists()


def test_insert_of_nothing_writes_nothing():
    assert insert([]) == []


def test_statements_are_logged_whenever_queries_are_captured(variants):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    product_id = variants[0].product_id
    PRICES(product_id=product_id, skus=["SKU-1"])  # a plain cursor is kept for the next statement
    with CaptureQueriesContext(connection) as captured:
        PRICES(product_id=product_id, skus=["SKU-1"])
        insert([OutboxEvent(topic="test.logged", payload={})])
    assert len(captured) == 2
    PRICES(product_id=product_id, skus=["SKU-2"])
    assert len(captured) == 2


def test_insert_splits_many_rows_as_the_database_allows():
    from plaza.core import compiled

    events = [OutboxEvent(topic="test.many", payload={"n": n}) for n in range(compiled.MAX_ROWS_PER_INSERT * 2 + 7)]
    insert(events)
    assert [event.payload["n"] for event in OutboxEvent.objects.filter(topic="test.many").order_by("pk")] == list(
        range(len(events))
    )
    assert [event.pk for event in events] == sorted(event.pk for event in events)


def test_a_query_keeps_only_its_most_recent_shapes(variants):
    from plaza.core import compiled

    reads = CompiledQuery(Variant, lambda skus: Variant.objects.filter(sku__in=skus).values_list("sku"))
    for length in range(1, compiled.MAX_STATEMENTS_PER_QUERY + 11):
        reads(skus=[f"SKU-{n}" for n in range(length)])
    assert len(reads._statements) == compiled.MAX_STATEMENTS_PER_QUERY
    assert reads(skus=["SKU-1"]) == [("SKU-1",)], "a shape dropped is built again"
