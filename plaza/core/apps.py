from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "plaza.core"
    label = "core"
    verbose_name = "Plaza core"

    def ready(self) -> None:
        from plaza.core import outbox

        outbox.autodiscover_subscribers()
        post_migrate.connect(name_the_site, sender=self)


def name_the_site(using: str = "default", **kwargs) -> None:
    """The Site e-mails build their links from, as PLAZA_SITE_DOMAIN says now."""
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.PLAZA_SITE_DOMAIN, "name": "Plaza"}
    )
