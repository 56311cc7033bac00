from django_tasks import task

from plaza.core import outbox


@task()
def deliver_outbox_event(event_id: int) -> bool:
    return outbox.deliver(event_id)
