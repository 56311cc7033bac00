"""Who may do what for a shop. Every merchant-side service and view asks here.

Owners do everything. Staff run the shop day to day: orders and stock. Catalog edits,
shop settings, staff and refunds are for owners.
"""

from enum import StrEnum
from functools import wraps

from django.shortcuts import get_object_or_404

from plaza.core.errors import Forbidden
from plaza.shops.models import Shop, ShopMembership, StaffRole


class ShopAction(StrEnum):
    VIEW = "view"
    MANAGE_ORDERS = "manage_orders"
    MANAGE_STOCK = "manage_stock"
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_SHOP = "manage_shop"
    MANAGE_STAFF = "manage_staff"
    REFUND = "refund"


STAFF_ACTIONS = frozenset({ShopAction.VIEW, ShopAction.MANAGE_ORDERS, ShopAction.MANAGE_STOCK})


def role_allows(role: str, action: ShopAction) -> bool:
    return role == StaffRole.OWNER or action in STAFF_ACTIONS


def membership_for(user, shop: Shop) -> ShopMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ShopMembership.objects.filter(shop=shop, user=user).first()


def authorize(user, shop: Shop, action: ShopAction) -> ShopMembership:
    """Return the user's membership if it allows ``action``; raise Forbidden otherwise."""
    membership = membership_for(user, shop)
    if membership is None:
        raise Forbidden("You are not a member of this shop.")
    if not role_allows(membership.role, action):
        raise Forbidden(f"Your role ({membership.get_role_display()}) cannot do this.")
    return membership


def shop_member_required(action: ShopAction):
    """View decorator: loads the shop from the ``shop_slug`` URL argument and authorizes.

    The view receives ``shop`` and ``membership`` in place of ``shop_slug``; Forbidden
    becomes Django's 403 page, and anonymous users are sent to log in.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, shop_slug, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login
            from django.core.exceptions import PermissionDenied

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            shop = get_object_or_404(Shop, slug=shop_slug)
            try:
                membership = authorize(request.user, shop, action)
            except Forbidden as error:
                raise PermissionDenied(error.message) from error
            return view(request, *args, shop=shop, membership=membership, **kwargs)

        return wrapper

    return decorate
