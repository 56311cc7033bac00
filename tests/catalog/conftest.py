import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plaza.shops.models import StaffRole
from tests.factories import LocationFactory, MembershipFactory, ShopFactory, UserFactory

SAMPLE_CSV = Path("/work/shared/data/shopify/product_template.csv")


@pytest.fixture
def shop(db):
    return ShopFactory()


@pytest.fixture
def owner(shop):
    return MembershipFactory(shop=shop, role=StaffRole.OWNER).user


@pytest.fixture
def staff(shop):
    return MembershipFactory(shop=shop, role=StaffRole.STAFF).user


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def location(shop):
    return LocationFactory(shop=shop)


@pytest.fixture
def sample_csv() -> bytes:
    return SAMPLE_CSV.read_bytes()


def csv_upload(data: bytes | str, name: str = "products.csv") -> SimpleUploadedFile:
    if isinstance(data, str):
        data = data.encode()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def image_bytes(image_format: str = "PNG", size=(640, 480)) -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", size, (30, 110, 80)).save(output, format=image_format)
    return output.getvalue()


@pytest.fixture
def png_upload():
    def make(name: str = "photo.png", **kwargs) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")

    return make


@pytest.fixture
def upload_csv(django_capture_on_commit_callbacks, token_client_for):
    """POST a CSV to the import endpoint; the queued task runs when the request commits."""

    def upload(user, shop, data: bytes, **form):
        with django_capture_on_commit_callbacks(execute=True):
            return token_client_for(user).post(
                f"/api/v1/catalog/shops/{shop.slug}/imports", {"file": csv_upload(data), **form}
            )

    return upload
