"""Merchant pages under /merchant/: my shops, the dashboard, settings, locations, team.

Each view parses a form, calls a service and renders or redirects; a service's field
errors are shown next to the form's fields with status 422.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plaza.core.errors import Forbidden, PlazaError
from plaza.inventory.selectors import low_stock_for_shop
from plaza.shops import selectors, services
from plaza.shops.forms import (
    AddStaffForm,
    CreateShopForm,
    FulfilmentForm,
    HoursExceptionForm,
    LocationForm,
    LogoForm,
    RoleForm,
    ShopSettingsForm,
    WeeklyHoursForm,
    show_errors,
)
from plaza.shops.models import HoursException, Location, ShopMembership
from plaza.shops.permissions import ShopAction, role_allows, shop_member_required

LOW_STOCK_PANEL_ROWS = 8
FULFILMENT_FIELDS = list(FulfilmentForm.base_fields)
LOCATION_FIELDS = list(LocationForm.base_fields)


def _render(request, template: str, context: dict, *, invalid: bool = False):
    return render(request, template, context, status=422 if invalid else 200)


def merchant_context(shop, membership, section: str, **extra) -> dict:
    """What ``shops/merchant_base.html`` needs: the shop, the viewer's role, the section."""
    return {
        "shop": shop,
        "membership": membership,
        "section": section,
        "can_manage_shop": role_allows(membership.role, ShopAction.MANAGE_SHOP),
        **extra,
    }


# --- my shops and the dashboard -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_shops(request):
    form = CreateShopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shop = services.create_shop(user=request.user, **form.cleaned_data)
        except PlazaError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{shop.name} is open for business on Plaza.")
            return redirect("shops:dashboard", shop_slug=shop.slug)
    shops = selectors.shops_of_user(request.user)
    return _render(request, "shops/my_shops.html", {"shops": shops, "form": form}, invalid=form.is_bound)


@require_GET
@shop_member_required(ShopAction.VIEW)
def dashboard(request, shop, membership):
    detail = selectors.shop_detail(shop.slug)
    locations = [
        {"location": location, "open": selectors.is_open(location), "change": selectors.next_change(location)}
        for location in detail.locations.all()
    ]
    low_stock = low_stock_for_shop(shop)
    context = merchant_context(
        shop,
        membership,
        "dashboard",
        locations=locations,
        low_stock=low_stock[:LOW_STOCK_PANEL_ROWS],
        low_stock_count=low_stock.count(),
        order_counts=selectors.order_counts_by_status(shop),
    )
    return render(request, "shops/dashboard.html", context)


# --- settings -------------------------------------------------------------------------


def _settings_initial(shop) -> dict:
    return {name: getattr(shop, name) for name in ShopSettingsForm.base_fields}


@require_http_methods(["GET", "POST"])
@shop_member_required(ShopAction.MANAGE_SHOP)
def shop_settings(request, shop, membership):
    form = ShopSettingsForm(request.POST or None, initial=_settings_initial(shop))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_shop(user=request.user, shop=shop, **form.cleaned_data)
        except PlazaError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect("shops:settings", shop_slug=shop.slug)
    context = merchant_context(shop, membership, "settings", form=form, logo_form=LogoForm())
    return _render(request, "shops/settings.html", context, invalid=form.is_bound)


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def upload_logo(request, shop, membership):
    logo_form = LogoForm(request.POST, request.FILES)
    if logo_form.is_valid():
        try:
            services.set_shop_logo(user=request.user, shop=shop, upload=logo_form.cleaned_data["logo"])
        except PlazaError as error:
            show_errors(logo_form, error)
        else:
            messages.success(request, "Logo updated.")
            return redirect("shops:settings", shop_slug=shop.slug)
    context = merchant_context(
        shop, membership, "settings", form=ShopSettingsForm(initial=_settings_initial(shop)), logo_form=logo_form
    )
    return _render(request, "shops/settings.html", context, invalid=True)


# --- locations ------------------------------------------------------------------------


@require_GET
@shop_member_required(ShopAction.VIEW)
def locations(request, shop, membership):
    detail = selectors.shop_detail(shop.slug)
    rows = [
        {"location": location, "open": selectors.is_open(location), "week": selectors.week_schedule(location)}
        for location in detail.locations.all()
    ]
    return render(request, "shops/locations.html", merchant_context(shop, membership, "locations", rows=rows))


@require_http_methods(["GET", "POST"])
@shop_member_required(ShopAction.MANAGE_SHOP)
def new_location(request, shop, membership):
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            location = services.create_location(user=request.user, shop=shop, **form.cleaned_data)
        except PlazaError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{location.name} added. Now set its opening hours.")
            return redirect("shops:location", shop_slug=shop.slug, location_id=location.pk)
    return _render(
        request, "shops/location_new.html", merchant_context(shop, membership, "locations", form=form), invalid=form.is_bound
    )


def _location_of(shop, location_id: int) -> Location:
    location = selectors.location_with_hours(location_id, shop=shop)
    if location is None:
        raise Http404("No such location.")
    return location


def _location_page(request, shop, membership, location, *, invalid=False, **forms):
    hours_initial, slots = WeeklyHoursForm.initial_for(location.opening_hours.all())
    context = merchant_context(
        shop,
        membership,
        "locations",
        location=location,
        details_form=forms.get("details_form")
        or LocationForm(initial={name: getattr(location, name) for name in LOCATION_FIELDS}),
        fulfilment_form=forms.get("fulfilment_form")
        or FulfilmentForm(initial={name: getattr(location, name) for name in FULFILMENT_FIELDS}),
        hours_form=forms.get("hours_form") or WeeklyHoursForm(initial=hours_initial, slots=slots),
        exception_form=forms.get("exception_form") or HoursExceptionForm(),
        exceptions=selectors.upcoming_exceptions(location),
        change=selectors.next_change(location),
        is_open=selectors.is_open(location),
    )
    return _render(request, "shops/location.html", context, invalid=invalid)


@require_GET
@shop_member_required(ShopAction.MANAGE_SHOP)
def location_page(request, shop, membership, location_id):
    return _location_page(request, shop, membership, _location_of(shop, location_id))


def _save_location_form(request, shop, membership, location_id, form_class, form_key, success: str):
    location = _location_of(shop, location_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.update_location(user=request.user, location=location, **form.cleaned_data)
        except PlazaError as error:
            show_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("shops:location", shop_slug=shop.slug, location_id=location.pk)
    return _location_page(request, shop, membership, _location_of(shop, location_id), invalid=True, **{form_key: form})


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def location_details(request, shop, membership, location_id):
    return _save_location_form(request, shop, membership, location_id, LocationForm, "details_form", "Address saved.")


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def location_fulfilment(request, shop, membership, location_id):
    return _save_location_form(
        request, shop, membership, location_id, FulfilmentForm, "fulfilment_form", "Fulfilment settings saved."
    )


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def location_hours(request, shop, membership, location_id):
    """Save the week, or, for "Add a period" and "Open 24 hours", show the form again with
    what was typed and the change made, saving nothing (htmx swaps in just the form)."""
    location = _location_of(shop, location_id)
    edited = WeeklyHoursForm.edited(request.POST)
    if edited is not None:
        return _location_page(request, shop, membership, location, hours_form=edited)
    form = WeeklyHoursForm(request.POST, slots=WeeklyHoursForm.slots_in(request.POST))
    if form.is_valid():
        try:
            services.replace_weekly_hours(user=request.user, location=location, intervals=form.intervals)
        except PlazaError as error:
            show_errors(form, error, form.service_field_names)
        else:
            messages.success(request, "Opening hours saved.")
            return redirect("shops:location", shop_slug=shop.slug, location_id=location.pk)
    return _location_page(request, shop, membership, location, invalid=True, hours_form=form)


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def add_exception(request, shop, membership, location_id):
    location = _location_of(shop, location_id)
    form = HoursExceptionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_hours_exception(
                user=request.user,
                location=location,
                on=data["date"],
                is_closed=data["is_closed"],
                opens=data["opens"],
                closes=data["closes"],
                note=data["note"],
            )
        except PlazaError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Exception for {data['date']:%d %b %Y} saved.")
            return redirect("shops:location", shop_slug=shop.slug, location_id=location.pk)
    return _location_page(request, shop, membership, _location_of(shop, location_id), invalid=True, exception_form=form)


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def delete_exception(request, shop, membership, location_id, exception_id):
    exception = HoursException.objects.filter(location__shop=shop, location_id=location_id, pk=exception_id).first()
    if exception is None:
        raise Http404("No such exception.")
    services.delete_hours_exception(user=request.user, exception=exception)
    messages.success(request, "Exception removed.")
    return redirect("shops:location", shop_slug=shop.slug, location_id=location_id)


@require_POST
@shop_member_required(ShopAction.MANAGE_SHOP)
def delete_location(request, shop, membership, location_id):
    location = _location_of(shop, location_id)
    try:
        services.delete_location(user=request.user, location=location)
    except PlazaError as error:
        messages.error(request, error.message)
        return redirect("shops:location", shop_slug=shop.slug, location_id=location.pk)
    messages.success(request, f"{location.name} deleted.")
    return redirect("shops:locations", shop_slug=shop.slug)


# --- team -----------------------------------------------------------------------------


def _team_page(request, shop, membership, *, form=None, invalid=False):
    context = merchant_context(
        shop,
        membership,
        "staff",
        team=selectors.team_of_shop(shop),
        form=form or AddStaffForm(),
        can_manage_staff=role_allows(membership.role, ShopAction.MANAGE_STAFF),
        role_form=RoleForm(),
    )
    return _render(request, "shops/staff.html", context, invalid=invalid)


@require_http_methods(["GET", "POST"])
@shop_member_required(ShopAction.VIEW)
def staff(request, shop, membership):
    if request.method == "GET":
        return _team_page(request, shop, membership)
    form = AddStaffForm(request.POST)
    if form.is_valid():
        try:
            added = services.add_staff(user=request.user, shop=shop, **form.cleaned_data)
        except PlazaError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{added.user} joined the team as {added.get_role_display().lower()}.")
            return redirect("shops:staff", shop_slug=shop.slug)
    return _team_page(request, shop, membership, form=form, invalid=True)


def _member_of(shop, membership_id: int) -> ShopMembership:
    member = ShopMembership.objects.select_related("shop", "user").filter(shop=shop, pk=membership_id).first()
    if member is None:
        raise Http404("No such team member.")
    return member


@require_POST
@shop_member_required(ShopAction.MANAGE_STAFF)
def change_role(request, shop, membership, membership_id):
    member = _member_of(shop, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect("shops:staff", shop_slug=shop.slug)
    try:
        services.change_staff_role(user=request.user, membership=member, role=form.cleaned_data["role"])
    except PlazaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{member.user} is now {member.get_role_display().lower()}.")
    return redirect("shops:staff", shop_slug=shop.slug)


@require_POST
@shop_member_required(ShopAction.VIEW)
def remove_member(request, shop, membership, membership_id):
    """Owners remove anyone; any member may leave (but never the last owner)."""
    member = _member_of(shop, membership_id)
    try:
        services.remove_staff(user=request.user, membership=member)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except PlazaError as error:
        messages.error(request, error.message)
        return redirect("shops:staff", shop_slug=shop.slug)
    if member.user_id == request.user.pk:
        messages.success(request, f"You left {shop.name}.")
        return redirect("shops:home")
    messages.success(request, f"{member.user} was removed from the team.")
    return redirect("shops:staff", shop_slug=shop.slug)
