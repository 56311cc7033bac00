"""Downloading the photos a Shopify file points to (``Image Src``, ``Variant Image``).

The import task fetches each once, after its product has been saved (no transaction is
held open over the network): over http(s) only, with a timeout, at most
``PLAZA_MAX_IMAGE_BYTES``, and then checked and re-encoded like an upload
(``core.images``: Pillow decodes it, EXIF, GPS included, does not survive, the size is
bounded). A URL whose host is a private, loopback or link-local address is refused, so a
file cannot make the server probe its own network (``PLAZA_IMPORT_IMAGES_FROM_PRIVATE_HOSTS``
allows it, for tests and closed networks); redirects are checked the same way.
"""

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile

from plaza.core.errors import InvalidInput
from plaza.core.images import resized_image


class RemoteImageError(Exception):
    """Why a photo could not be imported, in words for the import report."""


def _check_host(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteImageError("only http(s) addresses are fetched")
    if settings.PLAZA_IMPORT_IMAGES_FROM_PRIVATE_HOSTS:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        raise RemoteImageError("its host name does not resolve") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise RemoteImageError("it points to a private network address")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_host(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def _download(url: str) -> bytes:
    _check_host(url)
    limit = settings.PLAZA_MAX_IMAGE_BYTES
    request = urllib.request.Request(url, headers={"User-Agent": "Plaza catalog import", "Accept": "image/*"})
    try:
        with _opener.open(request, timeout=settings.PLAZA_IMPORT_IMAGE_TIMEOUT_S) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise RemoteImageError(f"it is larger than {limit // (1024 * 1024)} MB")
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise RemoteImageError(f"the server answered {error.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise RemoteImageError("the server did not answer in time" if isinstance(reason, TimeoutError | socket.timeout) else f"it could not be downloaded ({reason})") from None
    if len(data) > limit:
        raise RemoteImageError(f"it is larger than {limit // (1024 * 1024)} MB")
    if not data:
        raise RemoteImageError("the file is empty")
    return data


def fetch_image(url: str, *, max_side: int, thumbnail_side: int, name_stem: str) -> tuple[ContentFile, ContentFile]:
    """The photo at ``url``, checked and re-encoded: (full size, thumbnail); RemoteImageError if not."""
    data = _download(url)
    try:
        full = resized_image(ContentFile(data), field="image", max_side=max_side, name_stem=name_stem)
        thumbnail = resized_image(ContentFile(data), field="image", max_side=thumbnail_side, name_stem=name_stem)
    except InvalidInput as refused:
        raise RemoteImageError(refused.message.rstrip(".").lower()) from None
    return full, thumbnail
