"""Checking an uploaded image and storing a resized copy of it.

The upload is opened with Pillow: a file is accepted for what it really is, never for
its name or the content type the browser claims.
"""

import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image

from plaza.core.errors import InvalidInput

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
# Refuse pixel floods (a small file that decodes to gigabytes) before decoding them.
MAX_PIXELS = 40_000_000
# GIF frames and palette images are stored as PNG so that transparency survives.
STORED_FORMAT = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def resized_image(upload, *, field: str, max_side: int, name_stem: str) -> ContentFile:
    """Validate ``upload`` and return a copy no larger than ``max_side`` pixels a side.

    Raises InvalidInput (on ``field``) for an empty or oversized file, a file that is
    not an image, or an image format other than JPEG, PNG, WebP or GIF.
    """
    if upload is None or not upload.size:
        raise _invalid(field, "Choose an image file.")
    if upload.size > settings.PLAZA_MAX_IMAGE_BYTES:
        limit_mb = settings.PLAZA_MAX_IMAGE_BYTES // (1024 * 1024)
        raise _invalid(field, f"The image is larger than {limit_mb} MB.")
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                probe.verify()
            if image_format not in ACCEPTED_FORMATS:
                raise _invalid(field, "Use a JPEG, PNG, WebP or GIF image.")
            if width * height > MAX_PIXELS:
                raise _invalid(field, "The image has too many pixels.")
            # verify() leaves the image unusable: open it again to decode it.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image.thumbnail((max_side, max_side))
                stored_format = STORED_FORMAT[image_format]
                if stored_format == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA")
                output = io.BytesIO()
                image.save(output, format=stored_format)
    except InvalidInput:
        raise
    except Exception:  # decoders of hostile files fail in many ways; all mean "not an image"
        raise _invalid(field, "This file is not a readable image.") from None
    return ContentFile(output.getvalue(), name=f"{name_stem}.{EXTENSION[stored_format]}")
