from django_tasks import task

from plaza.asks import services


@task()
def close_due_asks() -> int:
    """Close the asks whose deadline has passed and record their outcome (run every minute)."""
    return services.close_due_asks()
