from decimal import Decimal

from django import forms

from plaza.search.selectors import MAX_DISTANCE_KM, MAX_PRICE, Sort
from plaza.shops.models import ShopKind

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    """The search page's filters; the API takes the same ones (plaza/search/api.py)."""

    KINDS = [("products", "Products"), ("shops", "Shops")]
    DISTANCES = [("", "Any distance"), ("1", "Within 1 km"), ("2", "Within 2 km"), ("5", "Within 5 km"), ("10", "Within 10 km"), ("25", "Within 25 km")]

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, label="Search")
    kind = forms.ChoiceField(choices=KINDS, required=False)
    category = forms.SlugField(required=False, max_length=160)
    min_price = forms.DecimalField(required=False, min_value=Decimal("0"), max_value=MAX_PRICE, max_digits=12, decimal_places=2, label="Min")
    max_price = forms.DecimalField(required=False, min_value=Decimal("0"), max_value=MAX_PRICE, max_digits=12, decimal_places=2, label="Max")
    distance = forms.FloatField(required=False, min_value=0.1, max_value=MAX_DISTANCE_KM, label="Distance", widget=forms.Select(choices=DISTANCES))
    in_stock = forms.BooleanField(required=False, label="In stock nearby")
    open_now = forms.BooleanField(required=False, label="Open now")
    shop_kind = forms.ChoiceField(choices=[("", "Any kind"), *ShopKind.choices], required=False, label="Kind of shop")
    sort = forms.ChoiceField(choices=Sort.CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", "The maximum must be at least the minimum.")
        data["kind"] = data.get("kind") or "products"
        data["sort"] = data.get("sort") or Sort.RELEVANCE
        data["page"] = data.get("page") or 1
        return data
