import pytest
from django.test import Client

from plaza.shops.models import StaffRole
from tests.orders.factories import member, paid_order


@pytest.fixture
def order(db):
    return paid_order()


@pytest.fixture
def owner(order):
    return member(order.shop, StaffRole.OWNER)


@pytest.fixture
def staff(order):
    return member(order.shop, StaffRole.STAFF)


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
