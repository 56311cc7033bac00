"""The Shopify import downloads the photos its file names, from a local HTTP server here:
checked, resized and stripped of EXIF (GPS included) like an upload; a photo that cannot
be had is a warning on its row, and the product is imported all the same."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from plaza.catalog.models import ImportJob, Product, ProductImage

HEADER = "Handle,Title,Option1 Name,Option1 Value,Variant Price,Image Src,Image Position,Image Alt Text\n"


def photo_with_gps(size=(3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (45.0, 45.0, 0.0), 4: (4.0, 50.0, 0.0)}  # GPSInfo: latitude, longitude
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


ROUTES = {
    "/shirt.jpg": (200, "image/jpeg", photo_with_gps()),
    "/page.html": (200, "text/html", b"<html>not a photo</html>"),
    "/huge.jpg": (200, "image/jpeg", b"\xff" * (3 * 1024 * 1024)),
}


class PhotoServer(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow.jpg":
            time.sleep(2)
        if self.path == "/moved.jpg":
            self.send_response(302)
            self.send_header("Location", "/shirt.jpg")
            self.end_headers()
            return
        status, content_type, body = ROUTES.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def photos(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PhotoServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PLAZA_IMPORT_FETCH_IMAGES = True
    settings.PLAZA_IMPORT_IMAGES_FROM_PRIVATE_HOSTS = True
    settings.PLAZA_IMPORT_IMAGE_TIMEOUT_S = 0.5
    settings.PLAZA_MAX_IMAGE_BYTES = 2 * 1024 * 1024
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def import_rows(upload_csv, owner, shop, rows: list[str]) -> ImportJob:
    response = upload_csv(owner, shop, (HEADER + "\n".join(rows) + "\n").encode())
    return ImportJob.objects.get(pk=response.json()["job_id"])


def test_a_photo_is_downloaded_resized_and_stripped_of_its_location(upload_csv, owner, shop, location, photos):
    job = import_rows(upload_csv, owner, shop, [f"shirt,Shirt,Title,Default Title,10.00,{photos}/shirt.jpg,1,A shirt"])

    assert (job.created_count, job.warnings) == (1, [])
    image = ProductImage.objects.get(product__handle="shirt")
    with Image.open(image.image.path) as stored:
        assert max(stored.size) == 2000 and not stored.getexif()
    with Image.open(image.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 400
    assert image.source_url == f"{photos}/shirt.jpg" and image.alt_text == "A shirt"


def test_photos_that_cannot_be_had_are_warnings_on_their_rows_and_the_products_import(upload_csv, owner, shop, location, photos):
    rows = [
        f"page,Page,Title,Default Title,1.00,{photos}/page.html,1,",
        f"gone,Gone,Title,Default Title,1.00,{photos}/missing.jpg,1,",
        f"huge,Huge,Title,Default Title,1.00,{photos}/huge.jpg,1,",
        f"slow,Slow,Title,Default Title,1.00,{photos}/slow.jpg,1,",
        f"moved,Moved,Title,Default Title,1.00,{photos}/moved.jpg,1,",
    ]
    job = import_rows(upload_csv, owner, shop, rows)

    assert job.created_count == 5 and job.failed_count == 0
    problems = {warning["handle"]: (warning["line"], warning["field"], warning["message"]) for warning in job.warnings}
    assert problems["page"] == (2, "Image Src", "The photo was not imported: this file is not a readable image.")
    assert problems["gone"][2] == "The photo was not imported: the server answered 404."
    assert problems["huge"][2] == "The photo was not imported: it is larger than 2 MB."
    assert problems["slow"][2] == "The photo was not imported: the server did not answer in time."
    assert "moved" not in problems, "a redirect to a photo is followed"
    assert Product.objects.filter(shop=shop).count() == 5
    assert ProductImage.objects.exclude(image="").count() == 1


def test_a_photo_on_a_private_address_is_refused(upload_csv, owner, shop, location, photos, settings):
    settings.PLAZA_IMPORT_IMAGES_FROM_PRIVATE_HOSTS = False
    job = import_rows(upload_csv, owner, shop, [f"shirt,Shirt,Title,Default Title,10.00,{photos}/shirt.jpg,1,"])
    assert job.created_count == 1
    assert job.warnings[0]["message"] == "The photo was not imported: it points to a private network address."
    assert not ProductImage.objects.exclude(image="").exists()


def test_importing_again_downloads_nothing_already_stored(upload_csv, owner, shop, location, photos, monkeypatch):
    row = [f"shirt,Shirt,Title,Default Title,10.00,{photos}/shirt.jpg,1,"]
    import_rows(upload_csv, owner, shop, row)
    stored = ProductImage.objects.get().image.name
    from plaza.catalog import remote_images

    monkeypatch.setattr(remote_images, "_download", lambda url: pytest.fail("fetched again"))
    job = import_rows(upload_csv, owner, shop, row)
    assert job.updated_count == 1 and ProductImage.objects.get().image.name == stored
