"""Order pages: the shopper's orders and order page, the merchant's live board and order detail."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plaza.core.errors import NotFound, PlazaError
from plaza.core.money import format_money
from plaza.orders import selectors, services
from plaza.orders.forms import BoardFilterForm, CancelForm, CompleteForm, FinishedFilterForm, RefundForm
from plaza.orders.models import Order
from plaza.shops.permissions import ShopAction, role_allows, shop_member_required
from plaza.shops.views import merchant_context

ORDERS_PER_PAGE = 20


def _shopper_order(token) -> Order:
    try:
        return selectors.order_for_token(token)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def my_orders(request):
    page = Paginator(selectors.orders_of_customer(request.user), ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "orders/my_orders.html", {"page": page})


def _order_page_context(order: Order, user) -> dict:
    return {
        "order": order,
        "steps": selectors.progress(order),
        "show_pickup_code": selectors.pickup_code_in_use(order),
        "can_cancel": selectors.shopper_may_cancel(order, user),
        "max_reason_length": services.MAX_CUSTOMER_REASON_LENGTH,
    }


def order_page(request, token):
    context = _order_page_context(_shopper_order(token), request.user)
    return render(request, "orders/order_page.html", {**context, "placed": request.GET.get("placed") == "1"})


def order_status(request, token):
    """The live part of the order page, fetched again whenever the order changes."""
    return render(request, "orders/_order_status.html", _order_page_context(_shopper_order(token), request.user))


@require_POST
def cancel_order(request, token):
    """The shopper's "Cancel order" button; a refusal shows the order page with the reason."""
    order = _shopper_order(token)
    try:
        services.cancel_by_customer(order, user=request.user, reason=request.POST.get("reason", ""))
    except NotFound as error:
        raise Http404(error.message) from error
    except PlazaError as failure:
        # Read again: a refusal mostly means the order moved on meanwhile (the shop accepted it).
        context = _order_page_context(_shopper_order(token), request.user)
        context.update(cancel_error=failure, reason=request.POST.get("reason", ""))
        return render(request, "orders/order_page.html", context, status=failure.status_code)
    messages.success(request, f"Order {order.number} is cancelled.")
    return redirect("orders:detail", token=order.token)


def receipt(request, token):
    return render(request, "orders/receipt.html", {"order": _shopper_order(token)})


# --- merchant -------------------------------------------------------------------------

ACTION_FORMS: dict[str, type[Form] | None] = {
    "accept": None,
    "dispatch": None,
    "complete": CompleteForm,
    "cancel": CancelForm,
    "refund": RefundForm,
}


def _run_action(action: str, order: Order, actor, data: dict) -> str:
    """Do it and say what happened."""
    if action == "accept":
        services.accept(order, actor=actor)
    elif action == "dispatch":
        services.dispatch(order, actor=actor)
    elif action == "complete":
        services.complete(order, actor=actor, pickup_code=data["pickup_code"])
    elif action == "cancel":
        services.cancel(order, actor=actor, reason=data["reason"], restock=data["restock"])
    else:
        services.refund(order, actor=actor, amount=data["amount"])
        return f"Refunded {format_money(data['amount'], order.currency)} on order {order.number}."
    return f"Order {order.number}: {order.get_status_display().lower()}."


@dataclass
class Card:
    """An order with what the board shows on its card: next actions, their forms, errors."""

    order: Order
    can_refund: bool
    forms: dict[str, Form] = field(default_factory=dict)
    error: str = ""
    open_dialog: str = ""

    def __post_init__(self):
        self.actions = selectors.next_actions(self.order)
        self.column = selectors.board_column(self.order.status)
        for action, form_class in ACTION_FORMS.items():
            if form_class and action not in self.forms:
                initial = {"amount": self.actions.refundable} if action == "refund" else None
                self.forms[action] = form_class(initial=initial, auto_id=f"{action}-{self.order.pk}-%s")


def _can_refund(membership) -> bool:
    return role_allows(membership.role, ShopAction.REFUND)


def _shop_order(shop, order_id: int) -> Order:
    try:
        return selectors.order_of_shop(shop, order_id)
    except NotFound as error:
        raise Http404(error.message) from error


@shop_member_required(ShopAction.VIEW)
def board(request, shop, membership):
    filters = BoardFilterForm(request.GET or None)
    days = filters.cleaned_data if filters.is_valid() else {}
    columns = [
        (column, [Card(order, _can_refund(membership)) for order in orders])
        for column, orders in selectors.board(shop, day_from=days.get("day_from"), day_to=days.get("day_to"))
    ]
    context = merchant_context(
        shop,
        membership,
        "orders",
        columns=columns,
        filters=filters,
        filtered=bool(days),
        finished_count=selectors.finished_orders(shop).count(),
    )
    template = "orders/merchant/_columns.html" if request.htmx else "orders/merchant/board.html"
    return render(request, template, context)


@shop_member_required(ShopAction.VIEW)
def finished_orders(request, shop, membership):
    """Every completed and cancelled order, past the ones the board's Done column shows."""
    filters = FinishedFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = Paginator(selectors.finished_orders(shop, status=status or None), ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "orders/merchant/finished.html", merchant_context(shop, membership, "orders", page=page, filters=filters)
    )


@shop_member_required(ShopAction.VIEW)
def card(request, shop, membership, order_id):
    order = _shop_order(shop, order_id)
    return render(request, "orders/merchant/_card.html", {"shop": shop, "card": Card(order, _can_refund(membership))})


@shop_member_required(ShopAction.VIEW)
def merchant_order(request, shop, membership, order_id):
    order = _shop_order(shop, order_id)
    context = merchant_context(shop, membership, "orders", card=Card(order, _can_refund(membership)))
    return render(request, "orders/merchant/order.html", context)


@require_POST
@shop_member_required(ShopAction.VIEW)
def order_action(request, shop, membership, order_id, action):
    """One button of the board or the detail page; the service decides whether it is allowed."""
    if action not in ACTION_FORMS:
        raise Http404("No such action.")
    order = _shop_order(shop, order_id)
    form_class = ACTION_FORMS[action]
    form = form_class(request.POST, auto_id=f"{action}-{order.pk}-%s") if form_class else None
    error, status = "", 422
    if form is None or form.is_valid():
        try:
            done = _run_action(action, order, request.user, form.cleaned_data if form else {})
        except PlazaError as failure:
            error, status = failure.message, failure.status_code
            for name, field_errors in failure.fields.items():
                if form is not None and name in form.fields:
                    form.add_error(name, field_errors)
        else:
            return _after_action(request, shop, membership, order_id, done)
    else:
        error = "Please correct the highlighted field."
    # The refused action was rolled back, but the service may have moved this instance
    # before it found out (a wrong pick-up code is checked after the move): show the order
    # as it stands.
    order = _shop_order(shop, order_id)
    failed = Card(order, _can_refund(membership), forms={action: form} if form else {}, error=error, open_dialog=action)
    if request.htmx:
        return render(request, "orders/merchant/_card.html", {"shop": shop, "card": failed}, status=status)
    return render(request, "orders/merchant/order.html", merchant_context(shop, membership, "orders", card=failed), status=status)


def _after_action(request, shop, membership, order_id, done: str):
    if request.htmx:
        order = _shop_order(shop, order_id)
        return render(request, "orders/merchant/_card.html", {"shop": shop, "card": Card(order, _can_refund(membership))})
    messages.success(request, done)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("merchant_orders:order", args=[shop.slug, order_id])
    return redirect(next_url)
