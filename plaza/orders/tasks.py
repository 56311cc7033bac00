from django_tasks import task

from plaza.orders import services


@task()
def send_order_email(event_id: int) -> bool:
    return services.send_notification_email(event_id)


@task()
def send_unsent_order_emails() -> int:
    """Retry the order e-mails whose task failed or never ran."""
    return services.send_unsent_emails()
