"""Forms of the merchant catalog pages. They only parse what the browser sends; the
catalog services decide what is valid, and their field errors are shown next to the
fields (``variants.2.price`` goes to the third variant row's price)."""

from django import forms

from plaza.catalog.models import MAX_OPTIONS, Product, ProductStatus
from plaza.core.errors import PlazaError
from plaza.shops.forms import show_errors

PRODUCT_FORM_FIELDS = {"option_names": "option1_name"}
VARIANT_FORM_FIELDS = {"options": "option1"}


class ProductForm(forms.Form):
    title = forms.CharField(max_length=255)
    handle = forms.CharField(
        max_length=255, required=False, help_text="The product's address in the shop; a new product left without one gets it from the title."
    )
    status = forms.ChoiceField(choices=ProductStatus.choices, initial=ProductStatus.DRAFT)
    description_html = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Paragraphs, bold, italics, lists and links are kept.",
    )
    vendor = forms.CharField(max_length=255, required=False)
    product_type = forms.CharField(max_length=255, required=False, label="Type")
    category_path = forms.CharField(
        max_length=500, required=False, label="Category", help_text="For example: Home & Garden > Kitchen > Mugs"
    )
    tags = forms.CharField(required=False, help_text="Separated by commas")
    option1_name = forms.CharField(max_length=80, required=False, label="Option 1", help_text="e.g. Size")
    option2_name = forms.CharField(max_length=80, required=False, label="Option 2", help_text="e.g. Colour")
    option3_name = forms.CharField(max_length=80, required=False, label="Option 3")
    seo_title = forms.CharField(max_length=255, required=False, label="SEO title")
    seo_description = forms.CharField(
        max_length=5000, required=False, label="SEO description", widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def initial_for(product: Product) -> dict:
        return {
            **{name: getattr(product, name) for name in (
                "title", "handle", "status", "description_html", "vendor", "product_type", "seo_title",
                "seo_description", "option1_name", "option2_name", "option3_name",
            )},
            "category_path": product.category.full_path if product.category else "",
            "tags": ", ".join(tag.name for tag in product.tags.all()),
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["option_names"] = [data.pop(f"option{number}_name") for number in range(1, MAX_OPTIONS + 1)]
        if not data["handle"]:
            data.pop("handle")
        return data


class VariantForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    option1 = forms.CharField(max_length=120, required=False, label="Option 1 value")
    option2 = forms.CharField(max_length=120, required=False, label="Option 2 value")
    option3 = forms.CharField(max_length=120, required=False, label="Option 3 value")
    price = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    compare_at_price = forms.CharField(
        max_length=20, required=False, label="Compare-at price", widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    sku = forms.CharField(max_length=100, required=False, label="SKU")
    barcode = forms.CharField(max_length=64, required=False)
    grams = forms.IntegerField(min_value=0, required=False, label="Weight (g)")
    requires_shipping = forms.BooleanField(required=False, initial=True)
    taxable = forms.BooleanField(required=False, initial=True)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("DELETE", None)
        options = [data.pop(f"option{number}") for number in range(1, MAX_OPTIONS + 1)]
        while options and not options[-1]:
            options.pop()
        data["options"] = options
        data["grams"] = data["grams"] or 0
        if not data["id"]:
            data.pop("id")
        return data


VariantFormSet = forms.formset_factory(VariantForm, extra=1, can_delete=True, max_num=250, absolute_max=250)


def variant_initial(product: Product) -> list[dict]:
    return [
        {
            "id": variant.pk, "option1": variant.option1, "option2": variant.option2, "option3": variant.option3,
            "price": variant.price, "compare_at_price": variant.compare_at_price or "", "sku": variant.sku,
            "barcode": variant.barcode, "grams": variant.grams, "requires_shipping": variant.requires_shipping,
            "taxable": variant.taxable,
        }
        for variant in product.variants.all()
    ]


def fit_option_fields(formset, option_names: list[str]) -> None:
    """One value field per option, labelled with the option's name; the others hidden."""
    for form in formset.forms:
        for number in range(1, MAX_OPTIONS + 1):
            field = form.fields[f"option{number}"]
            if number <= len(option_names):
                field.label = option_names[number - 1]
            else:
                field.widget = forms.HiddenInput()


def kept_variant_forms(formset) -> list[VariantForm]:
    """The rows to save: not ticked for removal and not a blank extra row."""
    return [
        form for form in formset.forms
        if (form.initial or form.has_changed()) and not form.cleaned_data.get("DELETE")
    ]


def show_product_errors(error: PlazaError, form: ProductForm, variant_forms: list[VariantForm]) -> None:
    """Put a service error's messages next to the product fields and variant rows."""
    product_fields: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        parts = name.split(".")
        if parts[0] == "variants" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(variant_forms):
            row = variant_forms[int(parts[1])]
            show_errors(row, PlazaError(error.message, fields={parts[-1]: messages}), VARIANT_FORM_FIELDS)
        else:
            product_fields[name] = messages
    if product_fields or not error.fields:
        show_errors(form, PlazaError(error.message, fields=product_fields), PRODUCT_FORM_FIELDS)


class ImageUploadForm(forms.Form):
    # A plain file field: the service decides, with Pillow, whether it is an image.
    image = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}))
    alt_text = forms.CharField(max_length=255, required=False, label="Description for screen readers")


class ImportForm(forms.Form):
    file = forms.FileField(label="Shopify product CSV", widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))
    location = forms.TypedChoiceField(coerce=int, label="Put stock quantities at", required=False)

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [(location.pk, location.name) for location in locations]
        if not locations:
            self.fields["location"].widget = forms.HiddenInput()
