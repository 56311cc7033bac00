from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from plaza.core.middleware import ControlCharacterRefused


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
