"""Merchant catalog pages under /merchant/<shop>/catalog/: products, images, CSV import
and export. Each view parses a form, calls a service or selector and renders; a service's
field errors are shown next to the fields with a 422."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plaza.catalog import selectors, services
from plaza.catalog.forms import (
    ImageUploadForm,
    ImportForm,
    ProductForm,
    fit_option_fields,
    VariantFormSet,
    kept_variant_forms,
    show_product_errors,
    variant_initial,
)
from plaza.catalog.models import ProductStatus
from plaza.core.errors import Conflict, InvalidInput, NotFound
from plaza.shops.forms import show_errors
from plaza.shops.permissions import ShopAction, role_allows, shop_member_required
from plaza.shops.views import merchant_context

PRODUCTS_PAGE_SIZE = 20


def _page(request, template: str, shop, membership, *, invalid: bool = False, **extra):
    context = merchant_context(
        shop, membership, "catalog", can_manage_catalog=role_allows(membership.role, ShopAction.MANAGE_CATALOG), **extra
    )
    return render(request, template, context, status=422 if invalid else 200)


def _or_404(lookup, *args):
    try:
        return lookup(*args)
    except NotFound as error:
        raise Http404(error.message) from error


def _product_or_404(shop, product_id: int):
    return _or_404(selectors.product_for_shop, shop, product_id)


def _image_or_404(shop, product_id: int, image_id: int):
    return _or_404(selectors.image_of, _product_or_404(shop, product_id), image_id)


def csv_download(shop, *, base_url: str) -> HttpResponse:
    """The catalog export as a file download; uploaded images are named by absolute URL."""
    response = HttpResponse(selectors.export_shopify_csv(shop, base_url=base_url), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{shop.slug}-products.csv"'
    return response


@require_GET
@shop_member_required(ShopAction.VIEW)
def product_list(request, shop, membership):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:120]
    status = request.GET.get("status", "")
    products = selectors.shop_products(shop, query=query, status=status)
    page = Paginator(products, PRODUCTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request, "catalog/product_list.html", shop, membership,
        page=page, query=query, status=status, statuses=ProductStatus.choices,
        is_filtered=bool(query or status in ProductStatus.values),
    )


def _product_form_page(request, shop, membership, *, product=None):
    """The create and the edit page: product fields, the variant rows, and (on edit) images."""
    initial = ProductForm.initial_for(product) if product else None
    form = ProductForm(request.POST or None, initial=initial)
    variants = VariantFormSet(request.POST or None, initial=variant_initial(product) if product else None, prefix="variants")
    if product is not None:
        # A product keeps its number of options while it has variants (see the services).
        fit_option_fields(variants, product.option_names)
    if request.method == "POST" and form.is_valid() and variants.is_valid():
        rows = kept_variant_forms(variants)
        data = [row.service_fields() for row in rows]
        try:
            if product is None:
                saved = services.create_product(user=request.user, shop=shop, variants=data, **form.service_fields())
            else:
                saved = services.update_product(user=request.user, product=product, variants=data, **form.service_fields())
        except (InvalidInput, Conflict) as error:
            show_product_errors(error, form, rows)
        else:
            messages.success(request, f"“{saved.title}” saved.")
            return redirect("catalog:product_edit", shop_slug=shop.slug, product_id=saved.pk)
    return _page(
        request, "catalog/product_form.html", shop, membership, invalid=request.method == "POST",
        form=form, variants=variants, product=product, image_form=ImageUploadForm(),
    )


@require_http_methods(["GET", "POST"])
@shop_member_required(ShopAction.MANAGE_CATALOG)
def product_create(request, shop, membership):
    return _product_form_page(request, shop, membership)


@require_http_methods(["GET", "POST"])
@shop_member_required(ShopAction.MANAGE_CATALOG)
def product_edit(request, shop, membership, product_id):
    return _product_form_page(request, shop, membership, product=_product_or_404(shop, product_id))


@require_POST
@shop_member_required(ShopAction.MANAGE_CATALOG)
def product_delete(request, shop, membership, product_id):
    product = _product_or_404(shop, product_id)
    try:
        services.delete_product(user=request.user, product=product)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("catalog:product_edit", shop_slug=shop.slug, product_id=product.pk)
    messages.success(request, f"“{product.title}” deleted.")
    return redirect("catalog:products", shop_slug=shop.slug)


@require_POST
@shop_member_required(ShopAction.MANAGE_CATALOG)
def image_upload(request, shop, membership, product_id):
    product = _product_or_404(shop, product_id)
    image_form = ImageUploadForm(request.POST, request.FILES)
    if image_form.is_valid():
        try:
            services.add_image(
                user=request.user, product=product, upload=image_form.cleaned_data["image"],
                alt_text=image_form.cleaned_data["alt_text"],
            )
        except InvalidInput as error:
            show_errors(image_form, error)
        else:
            messages.success(request, "Image added.")
            return redirect("catalog:product_edit", shop_slug=shop.slug, product_id=product.pk)
    variants = VariantFormSet(initial=variant_initial(product), prefix="variants")
    fit_option_fields(variants, product.option_names)
    return _page(
        request, "catalog/product_form.html", shop, membership, invalid=True,
        form=ProductForm(initial=ProductForm.initial_for(product)), variants=variants, product=product, image_form=image_form,
    )


@require_POST
@shop_member_required(ShopAction.MANAGE_CATALOG)
def image_move(request, shop, membership, product_id, image_id):
    image = _image_or_404(shop, product_id, image_id)
    services.move_image(user=request.user, image=image, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("catalog:product_edit", shop_slug=shop.slug, product_id=product_id)


@require_POST
@shop_member_required(ShopAction.MANAGE_CATALOG)
def image_delete(request, shop, membership, product_id, image_id):
    services.delete_image(user=request.user, image=_image_or_404(shop, product_id, image_id))
    messages.success(request, "Image removed.")
    return redirect("catalog:product_edit", shop_slug=shop.slug, product_id=product_id)


@require_http_methods(["GET", "POST"])
@shop_member_required(ShopAction.MANAGE_CATALOG)
def import_start(request, shop, membership):
    locations = list(shop.locations.order_by("id"))
    form = ImportForm(request.POST or None, request.FILES or None, locations=locations)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_import_job(
                user=request.user, shop=shop, upload=form.cleaned_data["file"],
                location_id=form.cleaned_data["location"] or None,
            )
        except InvalidInput as error:
            show_errors(form, error, {"location_id": "location"})
        else:
            return redirect("catalog:import_job", shop_slug=shop.slug, job_id=job.pk)
    return _page(
        request, "catalog/import_form.html", shop, membership, invalid=request.method == "POST",
        form=form, has_locations=bool(locations), recent_jobs=selectors.recent_import_jobs(shop),
    )


@require_GET
@shop_member_required(ShopAction.MANAGE_CATALOG)
def import_job(request, shop, membership, job_id):
    job = _or_404(selectors.import_job_for_shop, shop, job_id)
    if request.htmx:
        return render(request, "catalog/_import_progress.html", {"shop": shop, "job": job})
    return _page(request, "catalog/import_job.html", shop, membership, job=job)


@require_GET
@shop_member_required(ShopAction.MANAGE_CATALOG)
def export_csv(request, shop, membership) -> HttpResponse:
    return csv_download(shop, base_url=request.build_absolute_uri("/")[:-1])
