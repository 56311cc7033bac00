from django_tasks import task

from plaza.checkout import services


@task()
def expire_unpaid_orders() -> int:
    """Release the stock of orders whose payment hold lapsed (run every few minutes)."""
    return services.expire_unpaid_orders()
