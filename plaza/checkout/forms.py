"""Parsing of the checkout pages' forms. The services decide what is valid; these only
turn text into types, so a field's errors come from one place or the other."""

import uuid
from datetime import datetime

from django import forms

from plaza.checkout.services import MAX_ID, MAX_LINE_QUANTITY, CheckoutDetails
from plaza.orders.models import FulfilmentMethod
from plaza.payments.providers import all_providers

CARD_FIELDS = ("card_number", "card_expiry", "card_cvc")


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class AddToCartForm(forms.Form):
    variant_id = forms.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = forms.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, required=False)

    def clean_quantity(self):
        return self.cleaned_data.get("quantity") or 1


class CardForm(forms.Form):
    card_number = forms.CharField(
        required=False, max_length=40, label="Card number",
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    card_expiry = forms.CharField(
        required=False, max_length=10, label="Expiry (MM/YY)",
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/YY"}),
    )
    card_cvc = forms.CharField(
        required=False, max_length=8, label="CVC",
        widget=forms.TextInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def payment_details(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in CARD_FIELDS}

    def add_service_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class CheckoutForm(CardForm):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    fulfilment_method = forms.ChoiceField(choices=FulfilmentMethod.choices, widget=forms.RadioSelect, label="How do you want it?")
    location_id = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Shop")
    pickup_slot = forms.CharField(required=False, max_length=64, label="Pick-up time")
    address_line = forms.CharField(
        required=False, max_length=255, label="Address", widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    address_city = forms.CharField(
        required=False, max_length=120, label="Town", widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    address_postcode = forms.CharField(
        required=False, max_length=20, label="Postcode", widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, label="Latitude", widget=forms.NumberInput(attrs={"step": "any"})
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, label="Longitude", widget=forms.NumberInput(attrs={"step": "any"})
    )
    email = forms.CharField(max_length=254, label="E-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    name = forms.CharField(max_length=120, label="Name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        required=False, max_length=40, label="Phone (optional)", widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    note = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label="Note for the shop")
    payment_provider = forms.ChoiceField(choices=(), widget=forms.RadioSelect, label="Payment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_provider"].choices = [(provider.name, provider.label) for provider in all_providers()]
        self.fields["idempotency_key"].initial = str(uuid.uuid4())

    def clean_pickup_slot(self):
        raw = self.cleaned_data.get("pickup_slot")
        if not raw:
            return None
        try:
            return datetime.fromisoformat(raw)
        except ValueError as error:
            raise forms.ValidationError("Choose one of the offered times.") from error

    def details(self) -> CheckoutDetails:
        data = self.cleaned_data
        return CheckoutDetails(
            **{name: data.get(name) for name in (
                "fulfilment_method", "payment_provider", "location_id", "pickup_slot", "latitude", "longitude",
            )},
            **{name: data.get(name) or "" for name in (
                "email", "name", "phone", "note", "address_line", "address_city", "address_postcode",
            )},
            payment_details=self.payment_details(),
        )

    def renew_idempotency_key(self) -> None:
        """After a refused submission the next one is a new attempt, with a key of its own."""
        self.data = self.data.copy()
        self.data["idempotency_key"] = str(uuid.uuid4())
