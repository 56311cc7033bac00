from django.conf import settings
from django.utils.functional import SimpleLazyObject

from plaza.checkout.selectors import CART_SESSION_KEY, units_in_cart
from plaza.notifications.selectors import unread_count


def plaza(request):
    context = {"plaza_town": settings.PLAZA_DEFAULT_LOCATION}
    user = getattr(request, "user", None)
    # Counted once, and only if the page shows them (fragments never ask).
    session = getattr(request, "session", None)
    token = session.get(CART_SESSION_KEY) if session is not None else None
    context["plaza_cart_units"] = SimpleLazyObject(lambda: units_in_cart(user=user, token=token))
    if user is not None and user.is_authenticated:
        context["plaza_unread_notifications"] = SimpleLazyObject(lambda: unread_count(user.pk))
    return context
