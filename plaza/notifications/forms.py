from django import forms

from plaza.notifications.models import Channel, NotificationKind


class PreferencesForm(forms.Form):
    """One choice of channel per kind of notification, named by the kind."""

    def __init__(self, *args, preferences=(), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = {preference.kind: preference.channel for preference in preferences}
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Channel.choices, widget=forms.RadioSelect, initial=chosen.get(kind.value)
            )
