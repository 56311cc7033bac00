import re

import pytest
from django.core import mail
from django.test import Client

from plaza.accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_up_sends_a_verification_link_that_verifies_the_address():
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"display_name": "Nina Roux", "email": "new@example.com", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.display_name == "Nina Roux" and user.public_name == "Nina Roux"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    client.post(link)
    assert user.emailaddress_set.get().verified


def test_sign_up_with_mismatched_passwords_creates_nobody():
    response = Client().post(
        "/accounts/signup/",
        {"email": "x@example.com", "password1": "a-long-passphrase-1", "password2": "different-passphrase"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.com").exists()


def test_log_in_and_out(user_factory):
    user_factory("shopper@example.com")
    client = Client()
    response = client.post("/accounts/login/", {"login": "shopper@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.get("/api/v1/accounts/me").json()["email"] == "shopper@example.com"
    client.post("/accounts/logout/")
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_wrong_password_is_refused(user_factory):
    user_factory("shopper@example.com")
    response = Client().post("/accounts/login/", {"login": "shopper@example.com", "password": "nope"})
    assert response.status_code == 200
    assert b"not correct" in response.content or b"incorrect" in response.content.lower()


def test_password_reset_mails_a_working_link(user_factory):
    user = user_factory("forgetful@example.com")
    client = Client()
    client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                {"password1": "brand-new-passphrase-2", "password2": "brand-new-passphrase-2"})
    user.refresh_from_db()
    assert user.check_password("brand-new-passphrase-2")


def test_account_pages_use_the_plaza_layout():
    body = Client().get("/accounts/login/").content.decode()
    assert 'class="brand"' in body and 'main id="main" class="auth"' in body
