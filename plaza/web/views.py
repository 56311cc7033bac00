from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from plaza.core.middleware import ControlCharacterRefused


# Bumped with each change to the worker's cached files or strategy, so browsers replace it.
SERVICE_WORKER_VERSION = "1"


def manifest(request):
    """The web app manifest: Plaza installs on a phone's home screen."""
    return JsonResponse(
        {
            "name": f"Plaza — the shops of {settings.PLAZA_DEFAULT_LOCATION['name']}",
            "short_name": "Plaza",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#f7f8fa",
            "theme_color": "#0b6e4f",
            "icons": [
                {"src": static("web/icons/plaza-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("web/icons/plaza-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("web/icons/plaza-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            ],
        },
        content_type="application/manifest+json",
    )


def service_worker(request):
    response = render(request, "web/sw.js", {"version": SERVICE_WORKER_VERSION}, content_type="text/javascript")
    # Browsers check for a new worker on each visit; nothing in between may keep an old one.
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    return render(request, "web/offline.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    message = str(exception) if isinstance(exception, ControlCharacterRefused) else "Plaza could not read what was sent."
    return render(request, "web/error.html", {"title": "That did not work", "message": message}, status=400)


def not_found(request, exception=None):
    return render(request, "web/error.html", {"title": "Page not found", "message": "We could not find that page."}, status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "You do not have access to this page."
    return render(request, "web/error.html", {"title": "Not allowed", "message": message}, status=403)


def server_error(request):
    return render(request, "web/error.html", {"title": "Something went wrong", "message": "Please try again in a moment."}, status=500)
