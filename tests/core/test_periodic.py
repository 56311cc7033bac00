from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from plaza.core.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_run_periodic_once_sweeps_pending_outbox_events():
    stuck = OutboxEvent.objects.create(topic="test.stuck", payload={})
    OutboxEvent.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    call_command("run_periodic", "--once")
    stuck.refresh_from_db()
    assert stuck.delivered_at is not None
