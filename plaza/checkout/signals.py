"""A guest who logs in keeps what they put in their cart."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from plaza.checkout import services
from plaza.checkout.selectors import CART_SESSION_KEY


@receiver(user_logged_in, dispatch_uid="checkout.merge_guest_cart")
def merge_guest_cart_on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    token = session.pop(CART_SESSION_KEY, None) if session is not None else None
    if token:
        services.merge_guest_cart(user=user, token=token)
