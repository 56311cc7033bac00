from django_tasks import task

from plaza.core import outbox


@task()
def deliver_outbox_event(event_id: int) -> bool:
    return outbox.deliver(event_id)


@task()
def deliver_pending_outbox() -> int:
    """The sweep for events a crash or a failed enqueue left behind."""
    return outbox.deliver_pending()
