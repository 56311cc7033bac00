from django_tasks import task

from plaza.core import outbox


@task()
def deliver_outbox_batch(batch: str) -> int:
    """Deliver the events one transaction recorded, in order."""
    return outbox.deliver_batch(batch)


@task()
def deliver_pending_outbox() -> int:
    """The sweep for events a crash or a failed enqueue left behind."""
    return outbox.deliver_pending()
