"""Placeholder pictures for the demo town: a coloured tile with initials, drawn with Pillow.

Tiles are shared by initials ("Country Loaf" and "Classic Lamp" show the same "CL"), so
a 100,000-product town needs only a few hundred small files, and a file already in
storage is not drawn again.
"""

import io
import unicodedata
import zlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from plaza.demo.vocabulary import PALETTE

IMAGE_SIZE = 480
THUMBNAIL_SIZE = 160


@dataclass(frozen=True)
class Tile:
    image_path: str
    thumbnail_path: str | None
    initials: str
    colour: str


def initials_of(words: str) -> str:
    """First letters of the first and last words, in ASCII ("Épicerie du Parc" → "EP")."""
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    letters = [word[0] for word in ascii_words.replace("-", " ").split() if word[0].isalnum()]
    return (letters[0] + letters[-1] if len(letters) > 1 else "".join(letters)).upper() or "?"


def tile_for(words: str, folder: str, *, with_thumbnail: bool = True) -> Tile:
    """The tile for ``words`` under ``folder``: every title with the same initials shares it."""
    initials = initials_of(words)
    colour = PALETTE[zlib.crc32(initials.encode()) % len(PALETTE)]
    name = f"{initials.lower()}-{colour[1:]}.jpg"
    thumbnail_path = f"{folder}/thumbs/demo/{name}" if with_thumbnail else None
    return Tile(f"{folder}/demo/{name}", thumbnail_path, initials, colour)


def draw_jpeg(initials: str, colour: str, size: int) -> bytes:
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size * 2 // 5)
    draw.text((size / 2, size / 2), initials, fill="#ffffff", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def write_tiles(tiles: set[Tile]) -> int:
    """Draw the tiles missing from storage; returns how many files were written."""
    written = 0
    for tile in sorted(tiles, key=lambda tile: tile.image_path):
        for path, size in ((tile.image_path, IMAGE_SIZE), (tile.thumbnail_path, THUMBNAIL_SIZE)):
            if path and not default_storage.exists(path):
                default_storage.save(path, ContentFile(draw_jpeg(tile.initials, tile.colour, size)))
                written += 1
    return written
