"""Two owners demoting each other at the same moment must still leave the shop an owner."""

import threading

import pytest
from django.db import connection

from plaza.core.errors import Conflict, Forbidden
from plaza.shops import services
from plaza.shops.models import ShopMembership, StaffRole
from tests.factories import MembershipFactory, ShopFactory


@pytest.mark.django_db(transaction=True)
def test_owners_demoting_each_other_at_once_leave_one_owner():
    shop = ShopFactory()
    first, second = MembershipFactory(shop=shop), MembershipFactory(shop=shop)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor, target):
        try:
            start.wait()
            services.change_staff_role(user=actor.user, membership=target, role=StaffRole.STAFF)
            outcomes.append("demoted")
        except (Conflict, Forbidden):
            # Refused as the last owner, or because the actor was just demoted.
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(first, ShopMembership.objects.get(pk=second.pk))),
        threading.Thread(target=demote, args=(second, ShopMembership.objects.get(pk=first.pk))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["demoted", "refused"]
    assert ShopMembership.objects.filter(shop=shop, role=StaffRole.OWNER).count() == 1
