"""Cart, checkout and payment-retry pages. Guests' cart tokens live in the session."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plaza.checkout import selectors, services
from plaza.checkout.fulfilment import pickup_slots
from plaza.checkout.forms import AddToCartForm, CardForm, CheckoutForm, QuantityForm
from plaza.checkout.selectors import CART_SESSION_KEY
from plaza.core.errors import InvalidInput, NotFound, PlazaError
from plaza.orders.models import OrderStatus
from plaza.payments.providers import all_providers, get_provider
from plaza.payments.selectors import last_authorization_error
from plaza.shops.selectors import shop_locations
from plaza.shops.models import Shop


def _cart(request):
    return selectors.find_cart(user=request.user, token=request.session.get(CART_SESSION_KEY))


def _order_url(order) -> str:
    return f"/orders/{order.token}/"


def _confirmation_url(order) -> str:
    """The order page with its thank-you banner, for the moment the order goes through."""
    return _order_url(order) + "?placed=1"


def _back(request, fallback: str = "/cart/"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _render_cart(request, *, status: int = 200, line_errors: dict | None = None):
    template = "checkout/_cart_body.html" if request.htmx else "checkout/cart.html"
    context = {"summary": selectors.cart_summary(_cart(request)), "line_errors": line_errors or {}}
    return render(request, template, context, status=status)


@require_GET
def cart_page(request):
    return _render_cart(request)


@require_POST
def add(request):
    """Other pages post here (variant_id, quantity, optional next): a redirect, or a fragment for htmx."""
    form = AddToCartForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            line = services.add_to_cart(
                user=request.user,
                token=request.session.get(CART_SESSION_KEY),
                variant_id=form.cleaned_data["variant_id"],
                quantity=form.cleaned_data["quantity"],
            )
        except InvalidInput as refused:
            error = refused.message
        else:
            if line.cart.user_id is None:
                request.session[CART_SESSION_KEY] = str(line.cart.token)
    else:
        error = "Choose a quantity from 1 to 99 of an item that is for sale."
    if request.htmx:
        summary = selectors.cart_summary(_cart(request))
        return render(request, "checkout/_added.html", {"error": error, "summary": summary}, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Added to your cart.")
    return _back(request)


def _change_line(request, line_id: int, change):
    cart = _cart(request)
    if cart is None:
        raise Http404("You have no cart.")
    try:
        change(cart)
    except InvalidInput as refused:
        if not request.htmx:
            messages.error(request, refused.message)
            return redirect("/cart/")
        return _render_cart(request, status=422, line_errors={line_id: refused.message})
    except NotFound as missing:
        raise Http404(missing.message) from missing
    return _render_cart(request) if request.htmx else redirect("/cart/")


@require_POST
def update_line(request, line_id: int):
    form = QuantityForm(request.POST)
    quantity = form.cleaned_data["quantity"] if form.is_valid() else 0
    return _change_line(request, line_id, lambda cart: services.set_line_quantity(cart, line_id=line_id, quantity=quantity))


@require_POST
def remove_line(request, line_id: int):
    return _change_line(request, line_id, lambda cart: services.remove_line(cart, line_id=line_id))


def _slot_choices(slots) -> list[tuple[str, str]]:
    today = timezone.localdate()

    def label(slot) -> str:
        days = (slot.date() - today).days
        day = "Today" if days == 0 else "Tomorrow" if days == 1 else date_format(slot, "l j M")
        return f"{day}, {slot:%H:%M}"

    return [(slot.isoformat(), label(slot)) for slot in slots]


def _checkout_context(shop: Shop, form: CheckoutForm, summary) -> dict:
    wanted = {line.line.variant_id: line.line.quantity for line in summary.groups[0].lines if line.purchasable}
    options = selectors.fulfilment_options(shop, wanted=wanted)
    chosen_location = str(form["location_id"].value())
    pickup_locations = options.pickup_locations
    selected = next((c for c in pickup_locations if str(c.location.pk) == chosen_location), None)
    # Best first: the list puts the locations that have everything at the top.
    selected = selected or (pickup_locations[0] if pickup_locations else None)
    return {
        "shop": shop,
        "group": summary.groups[0],
        "form": form,
        "options": options,
        "offered": {offer.method for offer in options.methods},
        "selected_location": selected,
        "slot_choices": _slot_choices(selected.pickup_slots if selected else []),
        "chosen_slot": form["pickup_slot"].value(),
        "providers": all_providers(),
    }


def _initial(request, methods) -> dict:
    initial = {"fulfilment_method": methods[0].method} if methods else {}
    if request.user.is_authenticated:
        initial.update(email=request.user.email, name=request.user.display_name)
    return initial


@require_http_methods(["GET", "POST"])
def checkout(request, shop_slug: str):
    shop = selectors.shop_for_checkout(shop_slug)
    if shop is None:
        raise Http404("No such shop.")
    cart = _cart(request)
    if request.method == "GET":
        summary = selectors.cart_summary(cart, shop=shop)
        if not summary.groups:
            messages.info(request, f"Your cart has nothing from {shop.name}.")
            return redirect("/cart/")
        form = CheckoutForm(initial=_initial(request, summary.groups[0].methods))
        return render(request, "checkout/checkout.html", _checkout_context(shop, form, summary))
    if cart is None:
        messages.info(request, "Your cart is empty.")
        return redirect("/cart/")
    form = CheckoutForm(request.POST)
    if form.is_valid():
        # Placed even when the shop's lines are gone: a resubmission finds its order by key.
        try:
            result = services.place_order(
                cart=cart, shop=shop, details=form.details(), idempotency_key=form.cleaned_data["idempotency_key"],
                user=request.user,
            )
        except InvalidInput as refused:
            form.add_service_errors(refused.fields or {None: [refused.message]})
        except PlazaError as refused:
            form.add_error(None, refused.message)
        else:
            order = result.order
            if order.status == OrderStatus.PENDING_PAYMENT:
                messages.warning(request, "The payment did not go through yet; your items are held while you try again.")
                return redirect(f"/cart/pay/{order.token}/")
            return redirect(_confirmation_url(order))
    summary = selectors.cart_summary(cart, shop=shop)
    if not summary.groups:
        messages.info(request, f"Your cart has nothing from {shop.name}.")
        return redirect("/cart/")
    form.renew_idempotency_key()
    return render(request, "checkout/checkout.html", _checkout_context(shop, form, summary), status=422)


@require_GET
def slot_options(request, shop_slug: str):
    """The pick-up times of one location, as <option>s for the checkout form (htmx)."""
    shop = selectors.shop_for_checkout(shop_slug)
    location_id = request.GET.get("location_id", "")
    location = next(
        (l for l in shop_locations(shop) if str(l.pk) == location_id and l.pickup_enabled), None
    ) if shop else None
    if location is None:
        raise Http404("No such pick-up location.")
    return render(request, "checkout/_slot_options.html", {"slot_choices": _slot_choices(pickup_slots(location))})


@require_http_methods(["GET", "POST"])
def pay(request, order_token):
    """Try the payment of an order again, after the processor asked for a retry."""
    try:
        order = services.order_for_payer(order_token, request.user)
    except NotFound as missing:
        raise Http404(missing.message) from missing
    if order.status != OrderStatus.PENDING_PAYMENT:
        return redirect(_order_url(order))
    form = CardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.pay_order(order_token=order.token, payment_details=form.payment_details(), user=request.user)
        except InvalidInput as refused:
            form.add_service_errors(refused.fields or {None: [refused.message]})
        except PlazaError as refused:
            messages.error(request, refused.message)
            return redirect(_order_url(order))
        else:
            if order.status != OrderStatus.PENDING_PAYMENT:
                return redirect(_confirmation_url(order))
            form.add_error(None, last_authorization_error(order) or "The payment did not go through. Please try again.")
    context = {"order": order, "provider": get_provider(order.payment_provider), "form": form}
    return render(request, "checkout/pay.html", context, status=422 if form.errors else 200)
