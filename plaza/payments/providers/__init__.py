"""The payment providers this instance offers, from ``settings.PLAZA_PAYMENT_PROVIDERS``.

A real processor plugs in by subclassing :class:`~plaza.payments.providers.base.PaymentProvider`
and adding its dotted path to that setting under the name shoppers and webhooks use.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from plaza.core.errors import InvalidInput
from plaza.payments.providers.base import PaymentProvider


@cache
def _registry() -> dict[str, PaymentProvider]:
    return {name: import_string(path)(name) for name, path in settings.PLAZA_PAYMENT_PROVIDERS.items()}


def all_providers() -> list[PaymentProvider]:
    return list(_registry().values())


def get_provider(name: str, *, field: str = "payment_provider") -> PaymentProvider:
    """The provider registered as ``name``; InvalidInput (on ``field``) if there is none."""
    provider = _registry().get(name) if isinstance(name, str) else None
    if provider is None:
        choices = ", ".join(sorted(_registry()))
        raise InvalidInput(
            "Choose a payment method.", fields={field: [f"Unknown payment provider; choose one of: {choices}."]}
        )
    return provider
