import gc
import os
from importlib import import_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.config.settings")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from plaza.config.routing import websocket_urlpatterns  # noqa: E402
from plaza.core.live import remember_server_loop  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What loading Django, the URLconf and the API's schemas makes (~100,000 objects) lives as
# long as the process: frozen, it is kept out of the collector's full passes, which
# otherwise rescanned it all every second or so under steady traffic and stalled every
# socket for ~90 ms.
import_module(settings.ROOT_URLCONF)
gc.freeze()


async def application(scope, receive, send):
    remember_server_loop()
    return await router(scope, receive, send)
