import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plaza.catalog.models import ProductImage
from tests.catalog.conftest import image_bytes
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop)


def images_url(shop, product) -> str:
    return f"/api/v1/catalog/shops/{shop.slug}/products/{product.pk}/images"


def test_upload_stores_the_image_and_a_400px_thumbnail(shop, owner, product, token_client_for):
    from PIL import Image

    upload = SimpleUploadedFile("big.jpg", image_bytes("JPEG", size=(1600, 1200)), content_type="image/jpeg")
    response = token_client_for(owner).post(images_url(shop, product), {"file": upload, "alt_text": "Front"})

    assert response.status_code == 201, response.json()
    image = ProductImage.objects.get()
    assert (image.alt_text, image.position) == ("Front", 1)
    with Image.open(image.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 400
    assert response.json()["thumbnail_url"] == image.thumbnail.url
    assert token_client_for(owner).get(f"/api/v1/catalog/shops/{shop.slug}/products/{product.pk}").json()["images"][0]["url"] == image.image.url


@pytest.mark.parametrize(
    "name, data",
    [
        ("notes.png", b"this is not an image at all"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("photo.bmp", image_bytes("BMP")),
        ("empty.png", b""),
    ],
)
def test_files_that_are_not_accepted_images_are_refused(shop, owner, product, token_client_for, name, data):
    response = token_client_for(owner).post(images_url(shop, product), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 422
    assert "image" in response.json()["error"]["fields"]
    assert not ProductImage.objects.exists()


def test_oversized_image_is_refused(shop, owner, product, token_client_for, settings, png_upload):
    settings.PLAZA_MAX_IMAGE_BYTES = 1000
    response = token_client_for(owner).post(images_url(shop, product), {"file": png_upload()})
    assert response.status_code == 422
    assert not ProductImage.objects.exists()


def test_decompression_bomb_is_refused(shop, owner, product, token_client_for):
    bomb = SimpleUploadedFile("bomb.png", image_bytes("PNG", size=(10_000, 10_000)))
    response = token_client_for(owner).post(images_url(shop, product), {"file": bomb})
    assert response.status_code == 422
    assert not ProductImage.objects.exists()


def test_reorder_and_delete_images(shop, owner, product, token_client_for, png_upload, django_capture_on_commit_callbacks):
    client = token_client_for(owner)
    ids = [client.post(images_url(shop, product), {"file": png_upload()}).json()["id"] for _ in range(3)]

    reordered = client.put(f"{images_url(shop, product)}/order", {"image_ids": ids[::-1]}, content_type="application/json")
    assert [image["id"] for image in reordered.json()] == ids[::-1]
    incomplete = client.put(f"{images_url(shop, product)}/order", {"image_ids": ids[:2]}, content_type="application/json")
    assert incomplete.status_code == 422

    stored = ProductImage.objects.get(pk=ids[2])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{images_url(shop, product)}/{ids[2]}").status_code == 204
    assert list(product.images.values_list("pk", "position")) == [(ids[1], 1), (ids[0], 2)]
    assert not stored.image.storage.exists(stored.image.name)


def test_staff_cannot_upload_or_delete_images(shop, owner, staff, product, token_client_for, png_upload):
    image_id = token_client_for(owner).post(images_url(shop, product), {"file": png_upload()}).json()["id"]
    client = token_client_for(staff)
    assert client.post(images_url(shop, product), {"file": png_upload()}).status_code == 403
    assert client.delete(f"{images_url(shop, product)}/{image_id}").status_code == 403
    assert ProductImage.objects.count() == 1
