"""The operator's admin: every registered model lists, searches and opens; changes made
there are in the audit log; nobody else gets in."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.factories import UserFactory
from tests.orders.factories import paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_lists_searches_and_opens(operator):
    paid_order()
    expected = {"shop", "location", "product", "order", "payment", "share", "comment", "ask", "shoppinglist", "logentry", "faileddelivery"}
    registered = {model._meta.model_name for model in admin.site._registry}
    assert expected <= registered
    for model, model_admin in admin.site._registry.items():
        listed = operator.get(admin_url(model, "changelist"), {"q": "a"} if model_admin.search_fields else {})
        assert listed.status_code == 200, model
        first = model.objects.first()
        if first is not None:
            assert operator.get(admin_url(model, "change", first.pk)).status_code == 200, model


def test_orders_cannot_be_edited_from_the_admin(operator):
    order = paid_order()
    page = operator.get(admin_url(type(order), "change", order.pk)).content.decode()
    assert 'name="_save"' not in page and order.pickup_code not in page
    assert operator.post(admin_url(type(order), "delete", order.pk), {"post": "yes"}).status_code == 403


def test_a_change_made_in_the_admin_is_in_the_audit_log(operator):
    from plaza.accounts.models import User

    spammer = UserFactory(display_name="Spammer")
    operator.post(
        admin_url(User, "changelist"), {"action": "delete_selected", "_selected_action": [spammer.pk], "post": "yes"}
    )

    assert not User.objects.filter(pk=spammer.pk).exists()
    entry = LogEntry.objects.get()
    assert entry.is_deletion() and entry.object_repr == "Spammer"
    assert "Spammer" in operator.get(admin_url(LogEntry, "changelist")).content.decode()


def test_staff_who_are_not_operators_and_shoppers_stay_out(client):
    client.force_login(UserFactory())
    assert client.get("/admin/").status_code == 302
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(admin_url(LogEntry, "changelist")).status_code == 403
