from decimal import Decimal

from django import forms

from plaza.orders.models import OrderStatus
from plaza.orders.selectors import FINISHED
from plaza.orders.services import MAX_AMOUNT, MAX_REASON_LENGTH


class BoardFilterForm(forms.Form):
    day_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    day_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day_from") and cleaned.get("day_to") and cleaned["day_from"] > cleaned["day_to"]:
            self.add_error("day_to", "Pick a day after the start.")
        return cleaned


class FinishedFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[("", "Completed and cancelled"), *((status, OrderStatus(status).label) for status in FINISHED)],
    )


class CompleteForm(forms.Form):
    pickup_code = forms.RegexField(
        regex=r"^\s*[0-9]{6}\s*$",
        required=False,
        label="Pick-up code",
        error_messages={"invalid": "The code has 6 digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "6"}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH,
        label="Reason (the customer will read it)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    restock = forms.BooleanField(
        required=False, initial=True, label="Put the items back in stock (untick for damaged goods)"
    )


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_AMOUNT, label="Amount to refund"
    )
