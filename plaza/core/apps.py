from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plaza.core"
    label = "core"
    verbose_name = "Plaza core"

    def ready(self) -> None:
        from plaza.core import outbox

        outbox.autodiscover_subscribers()
