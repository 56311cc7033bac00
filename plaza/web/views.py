from django.shortcuts import render


def home(request):
    return render(request, "web/home.html")


def not_found(request, exception=None):
    return render(request, "web/error.html", {"title": "Page not found", "message": "We could not find that page."}, status=404)


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"title": "Not allowed", "message": "You do not have access to this page."}, status=403)


def server_error(request):
    return render(request, "web/error.html", {"title": "Something went wrong", "message": "Please try again in a moment."}, status=500)
