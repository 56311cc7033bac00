from django_tasks import task

from plaza.core import outbox


@task()
def deliver_outbox_events(event_ids: list[int]) -> int:
    """Deliver the events one transaction recorded, in order."""
    return outbox.deliver_all(event_ids)


@task()
def deliver_pending_outbox() -> int:
    """The sweep for events a crash or a failed enqueue left behind."""
    return outbox.deliver_pending()
