import pytest

from plaza.core.errors import InvalidInput
from plaza.inventory import services
from plaza.inventory.models import MovementReason, StockMovement
from tests.factories import LocationFactory, StockFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_adjustment_changes_quantity_and_logs_a_movement():
    stock = StockFactory(quantity=5)
    movement = services.adjust_stock(
        variant=stock.variant, location=stock.location, delta=3, reason=MovementReason.RECEIVED, note="delivery"
    )
    stock.refresh_from_db()
    assert stock.quantity == 8
    assert (movement.delta, movement.quantity_after, movement.note) == (3, 8, "delivery")


def test_adjustment_below_zero_is_refused_and_writes_nothing():
    stock = StockFactory(quantity=2)
    with pytest.raises(InvalidInput):
        services.adjust_stock(variant=stock.variant, location=stock.location, delta=-3, reason=MovementReason.DAMAGED)
    stock.refresh_from_db()
    assert stock.quantity == 2
    assert not StockMovement.objects.exists()


def test_unknown_reason_is_refused():
    stock = StockFactory()
    with pytest.raises(InvalidInput):
        services.adjust_stock(variant=stock.variant, location=stock.location, delta=1, reason="magic")


def test_stock_at_another_shops_location_is_refused():
    variant = VariantFactory()
    with pytest.raises(InvalidInput):
        services.adjust_stock(variant=variant, location=LocationFactory(), delta=1, reason=MovementReason.RECEIVED)


def test_count_cannot_go_below_reserved_units():
    stock = StockFactory(quantity=5, reserved=4)
    with pytest.raises(InvalidInput):
        services.set_stock_quantity(variant=stock.variant, location=stock.location, quantity=3)
    assert services.set_stock_quantity(variant=stock.variant, location=stock.location, quantity=4).delta == -1
