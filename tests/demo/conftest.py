import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The seed hashes the demo password once per run and logins check it: keep both quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
