"""Forms of the merchant pages. They parse what the browser sends into Python values;
the rules (ranges, overlaps, permissions) live in the services, whose field errors are
put back next to the fields with :func:`show_errors`."""

from datetime import time

from django import forms

from plaza.core.errors import PlazaError
from plaza.shops.models import MIDNIGHT, ShopKind, StaffRole, Weekday
from plaza.shops.services import MAX_INTERVALS_PER_DAY

# As many opening periods a day as the service accepts.
MAX_SLOTS = MAX_INTERVALS_PER_DAY
# The hours form's submit buttons that only re-show the form, saving nothing.
ADD_PERIOD = "add_period"
OPEN_ALL_DAY = "all_day"
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def show_errors(form: forms.Form, error: PlazaError, field_names: dict[str, str] | None = None) -> None:
    """Attach a service error's field messages to ``form`` (unknown fields: the form's top).

    ``field_names`` maps a service field name to the form's, where they differ.
    """
    field_names = field_names or {}
    if not error.fields:
        form.add_error(None, error.message)
    for name, messages in error.fields.items():
        target = field_names.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class CreateShopForm(forms.Form):
    name = forms.CharField(max_length=120, label="Shop name")
    kind = forms.ChoiceField(choices=ShopKind.choices, initial=ShopKind.OTHER, label="Kind of shop")


class ShopSettingsForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=ShopKind.choices, label="Kind of shop")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    email = forms.CharField(required=False, max_length=254, label="Contact e-mail", widget=forms.EmailInput)
    phone = forms.CharField(required=False, max_length=40)
    website = forms.CharField(required=False, max_length=200, widget=forms.URLInput)
    currency = forms.CharField(max_length=3, min_length=3, help_text="ISO 4217 code, e.g. EUR")
    tax_rate_percent = forms.DecimalField(min_value=0, max_value=100, decimal_places=2, label="Tax rate (%)")


class LogoForm(forms.Form):
    # A plain file field: the service decides, with Pillow, whether it is an image.
    logo = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}))


class LocationForm(forms.Form):
    name = forms.CharField(max_length=120)
    address = forms.CharField(max_length=255)
    city = forms.CharField(max_length=120, required=False)
    postcode = forms.CharField(max_length=20, required=False)
    phone = forms.CharField(max_length=40, required=False)
    latitude = forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}))
    longitude = forms.FloatField(widget=forms.NumberInput(attrs={"step": "any"}))


class FulfilmentForm(forms.Form):
    pickup_enabled = forms.BooleanField(required=False, label="Pick-up in store")
    pickup_preparation_minutes = forms.IntegerField(min_value=0, label="Preparation time (minutes)")
    delivery_enabled = forms.BooleanField(required=False, label="Local delivery")
    delivery_radius_km = forms.DecimalField(min_value=0, decimal_places=2, label="Delivery radius (km)")
    delivery_fee = forms.DecimalField(min_value=0, decimal_places=2, label="Delivery fee")
    shipping_enabled = forms.BooleanField(required=False, label="Shipping")
    shipping_fee = forms.DecimalField(min_value=0, decimal_places=2, label="Shipping fee")


class WeeklyHoursForm(forms.Form):
    """Each weekday with ``slots`` opening periods (two give a lunch break); blank is closed."""

    def __init__(self, *args, slots: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        # Set by :meth:`edited`: what the last button did; the day whose "Open 24 hours"
        # button it was (focused again when the page comes back).
        self.notice, self.focus_day = "", None
        for day in Weekday:
            for slot in range(slots):
                for edge in ("opens", "closes"):
                    self.fields[self.field_name(day.value, slot, edge)] = forms.TimeField(
                        required=False,
                        widget=TIME_INPUT,
                        label=f"{day.label}, period {slot + 1}, {edge}",
                    )

    @staticmethod
    def field_name(weekday: int, slot: int, edge: str) -> str:
        return f"d{weekday}_{slot}_{edge}"

    @classmethod
    def initial_for(cls, hours) -> tuple[dict, int]:
        """Initial values for the location's ``OpeningHours`` rows, and the slots they need."""
        initial, per_day = {}, {}
        for row in hours:
            slot = per_day.get(row.weekday, 0)
            per_day[row.weekday] = slot + 1
            initial[cls.field_name(row.weekday, slot, "opens")] = row.opens
            initial[cls.field_name(row.weekday, slot, "closes")] = row.closes
        return initial, max([2, *per_day.values()])

    @classmethod
    def edited(cls, data) -> "WeeklyHoursForm | None":
        """The form to show again, unsaved and unchecked, when ``data`` comes from the
        "Add a period" or an "Open 24 hours" button (None for a plain save).

        Every value typed so far is kept. "Add a period" gives each day one more period,
        up to :data:`MAX_SLOTS`; "Open 24 hours" makes that day's first period 00:00–00:00
        and empties its others (for no such weekday, it changes nothing).
        """
        if ADD_PERIOD not in data and OPEN_ALL_DAY not in data:
            return None
        slots = cls.slots_in(data)
        all_day = data.get(OPEN_ALL_DAY, "")
        initial = {
            cls.field_name(day.value, slot, edge): data.get(cls.field_name(day.value, slot, edge)) or None
            for day in Weekday
            for slot in range(slots)
            for edge in ("opens", "closes")
        }
        if ADD_PERIOD in data:
            if slots < MAX_SLOTS:
                slots += 1
                notice = f"Each day now has {slots} periods. Nothing is saved until you save the opening hours."
            else:
                notice = f"At most {MAX_SLOTS} opening periods a day."
            focus_day, focus_field = None, cls.field_name(Weekday.MONDAY.value, slots - 1, "opens")
        elif not (all_day.isdigit() and int(all_day) in Weekday.values):
            notice, focus_day, focus_field = "", None, None
        else:
            day = Weekday(int(all_day))
            for slot in range(slots):
                for edge in ("opens", "closes"):
                    initial[cls.field_name(day.value, slot, edge)] = "00:00" if slot == 0 else None
            notice = f"{day.label}: open 24 hours (00:00–00:00). Nothing is saved until you save the opening hours."
            focus_day, focus_field = day.value, None
        form = cls(initial=initial, slots=slots)
        form.notice, form.focus_day = notice, focus_day
        if focus_field:
            # Where the merchant types next: Monday's last (new) period.
            form.fields[focus_field].widget.attrs["autofocus"] = True
        return form

    @property
    def can_add_period(self) -> bool:
        return self.slots < MAX_SLOTS

    @property
    def max_slots(self) -> int:
        return MAX_SLOTS

    def days(self):
        """(weekday, name, [(opens field, closes field, note), …]) for the template; the note
        says when a period runs until midnight or all day."""
        return [
            (
                day.value,
                day.label,
                [
                    self._period(
                        self[self.field_name(day.value, slot, "opens")], self[self.field_name(day.value, slot, "closes")]
                    )
                    for slot in range(self.slots)
                ],
            )
            for day in Weekday
        ]

    @staticmethod
    def _period(opens, closes):
        opens_at, closes_at = _as_time(opens.value()), _as_time(closes.value())
        note = ""
        if closes_at == MIDNIGHT and opens_at is not None:
            note = "open 24 hours" if opens_at == MIDNIGHT else "until midnight"
        return opens, closes, note

    @staticmethod
    def slots_in(data) -> int:
        """The number of periods per day the submitted form had (hidden ``slots`` field)."""
        value = data.get("slots", "")
        return min(int(value), MAX_SLOTS) if value.isdigit() and int(value) > 0 else 2

    def clean(self):
        """Collect the filled-in periods as ``intervals`` for the service, and remember which
        form field each of the service's error keys refers to (``service_field_names``)."""
        cleaned = super().clean()
        self.intervals, self.service_field_names = [], {}
        for day in Weekday:
            for slot in range(self.slots):
                opens_name = self.field_name(day.value, slot, "opens")
                closes_name = self.field_name(day.value, slot, "closes")
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    self.add_error(opens_name if opens is None else closes_name, "Give both an opening and a closing time.")
                    continue
                index = len(self.intervals)
                self.service_field_names[f"hours.{index}.opens"] = opens_name
                self.service_field_names[f"hours.{index}.closes"] = closes_name
                self.service_field_names[f"weekday.{day.value}"] = self.field_name(day.value, 0, "opens")
                self.intervals.append({"weekday": day.value, "opens": opens, "closes": closes})
        return cleaned


def _as_time(value) -> time | None:
    """A time field's value (a ``time`` from the database, or the text typed) as a time."""
    if isinstance(value, time):
        return value
    try:
        return forms.TimeField().to_python(value)
    except forms.ValidationError:
        return None


class HoursExceptionForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    is_closed = forms.BooleanField(required=False, initial=True, label="Closed all day")
    opens = forms.TimeField(required=False, widget=TIME_INPUT, label="Special hours: opens")
    closes = forms.TimeField(required=False, widget=TIME_INPUT, label="Special hours: closes")
    note = forms.CharField(max_length=120, required=False, label="Note (e.g. Bank holiday)")


class AddStaffForm(forms.Form):
    email = forms.EmailField(label="Their Plaza e-mail address")
    role = forms.ChoiceField(choices=StaffRole.choices, initial=StaffRole.STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=StaffRole.choices)
