"""Background work: the batched notification e-mail (enqueued by ``manage.py run_periodic``)."""

from django_tasks import task

from plaza.notifications import services


@task()
def send_notification_emails() -> int:
    """One e-mail per person for their notifications due by e-mail since the last run."""
    return services.send_due_emails()
