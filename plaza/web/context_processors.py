from django.conf import settings
from django.utils.functional import SimpleLazyObject

from plaza.notifications.selectors import unread_count


def plaza(request):
    context = {"plaza_town": settings.PLAZA_DEFAULT_LOCATION}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Counted once, and only if the page shows the bell (fragments never ask).
        context["plaza_unread_notifications"] = SimpleLazyObject(lambda: unread_count(user.pk))
    return context
