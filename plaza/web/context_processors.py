from django.conf import settings


def plaza(request):
    return {"plaza_town": settings.PLAZA_DEFAULT_LOCATION}
