from django_tasks import task

from plaza.core import outbox


@task()
def sweep_outbox() -> int:
    """Deliver what a crash left pending and retry failed deliveries now due (where no dispatcher runs)."""
    return outbox.sweep()
