"""WebSocket routes: each app that pushes live updates lists its own in ``routing.py``."""

from importlib import import_module

from django.conf import settings


def _collect() -> list:
    patterns: list = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("plaza."):
            continue
        try:
            module = import_module(f"{app}.routing")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.routing":
                raise
            continue
        patterns.extend(module.websocket_urlpatterns)
    return patterns


websocket_urlpatterns = _collect()
