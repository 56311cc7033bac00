import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plaza.shops.models import StaffRole
from tests.factories import LocationFactory, MembershipFactory, UserFactory


def image_upload(*, size=(800, 600), image_format="PNG", name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 79)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def owner(db):
    return MembershipFactory(role=StaffRole.OWNER).user


@pytest.fixture
def shop(owner):
    return owner.shop_memberships.get().shop


@pytest.fixture
def staff(shop):
    return MembershipFactory(shop=shop, role=StaffRole.STAFF).user


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def location(shop):
    return LocationFactory(shop=shop)
