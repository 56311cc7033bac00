"""E-mail links point where this instance is reached, whatever PORT it runs on."""

import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_each_migrate_writes_the_configured_domain_into_the_site(settings):
    settings.PLAZA_SITE_DOMAIN = "127.0.0.1:8123"
    call_command("migrate", verbosity=0, interactive=False)
    assert Site.objects.get_current().domain == "127.0.0.1:8123"
