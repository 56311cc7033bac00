from django_tasks import task

from plaza.catalog import services


@task()
def import_shopify_csv(job_id: int) -> None:
    services.run_import_job(job_id)
