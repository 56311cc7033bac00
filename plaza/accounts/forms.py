from django import forms

from plaza.accounts.models import MAX_DISPLAY_NAME
from plaza.core.text import clean_text


class DisplayNameField(forms.CharField):
    """The name others see: required, one line of visible text."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=MAX_DISPLAY_NAME,
            help_text="Shown to other people (friends, comments, asks); your e-mail address never is.",
            **kwargs,
        )
        self.widget.attrs.setdefault("autocomplete", "name")

    def clean(self, value):
        value = super().clean(value)
        try:
            return clean_text(value, max_length=MAX_DISPLAY_NAME, required=True, label="Your name")
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class SignupForm(forms.Form):
    """allauth's sign-up form asks for this too (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = DisplayNameField(label="Your name")
    field_order = ["display_name", "email", "password1", "password2"]

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = DisplayNameField(label="Your name")
