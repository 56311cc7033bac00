from django import forms

from plaza.inventory.models import MovementReason
from plaza.inventory.services import MAX_ADJUSTMENT

# Sales and restocks come from orders; a person records the other reasons.
MANUAL_REASONS = [
    (value, label) for value, label in MovementReason.choices if value not in (MovementReason.SALE, MovementReason.RESTOCK)
]


class MovementFilterForm(forms.Form):
    """Filters of the movement log; the choice of locations is the shop's."""

    location = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Location")

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", "All locations"), *[(location.pk, location.name) for location in locations]]


class StockFilterForm(MovementFilterForm):
    low = forms.BooleanField(required=False, label="Low stock only")
    q = forms.CharField(
        required=False, max_length=100, label="Product or SKU", widget=forms.TextInput(attrs={"type": "search"})
    )


class AdjustForm(forms.Form):
    delta = forms.IntegerField(
        min_value=-MAX_ADJUSTMENT, max_value=MAX_ADJUSTMENT, label="Change", help_text="+5 received, -2 damaged"
    )
    reason = forms.ChoiceField(choices=MANUAL_REASONS, initial=MovementReason.RECEIVED)
    note = forms.CharField(max_length=255, required=False)

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError("Enter a change other than 0.")
        return delta



class CountForm(forms.Form):
    """A stock-take: the units counted on hand replace the figure (the log keeps the difference)."""

    quantity = forms.IntegerField(
        min_value=0, max_value=MAX_ADJUSTMENT, label="Counted on hand", help_text="Units on the shelf after a stock-take"
    )
    note = forms.CharField(max_length=255, required=False)
