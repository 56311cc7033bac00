"""The WSGI application: how the production profile serves HTTP pages (``make serve``).

Django's synchronous views run straight on a WSGI worker's thread, without the ASGI
handler's hop into a thread per request; WebSockets stay on the ASGI application
(``plaza.config.asgi``). docs/operations.md has the measurements behind the split.
"""

import gc
import os
from importlib import import_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.config.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

# As in asgi.py: what loading the URLconf makes lives as long as the worker, so it is kept
# out of the collector's full passes.
import_module(settings.ROOT_URLCONF)
gc.freeze()
