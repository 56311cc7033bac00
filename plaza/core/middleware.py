"""Checks every request passes before any view sees it."""

import json

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import get_resolver

from plaza.core.api import error_body, unreadable_body_error
from plaza.core.text import JSON_CONTROL_ESCAPE, NOT_ALLOWED, has_control_character


class ControlCharacterRefused(ValueError):
    pass


def _json_fields_with_control_characters(value, where: str = "") -> list[str]:
    if isinstance(value, str):
        return [where or "body"] if has_control_character(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            found += [name] if has_control_character(str(key)) else _json_fields_with_control_characters(item, name)
        return found
    if isinstance(value, list):
        return [
            name
            for index, item in enumerate(value)
            for name in _json_fields_with_control_characters(item, f"{where}.{index}" if where else str(index))
        ]
    return []


def _json_may_carry_control_characters(body: bytes) -> bool:
    # JSON must escape controls below 0x20 but may carry DEL as it is.
    return JSON_CONTROL_ESCAPE.search(body) is not None or b"\x7f" in body


def fields_with_control_characters(request: HttpRequest) -> list[str]:
    """Where the request carries a control character: its path, a query or form field
    (uploaded files are data, not text), or a string of its JSON body."""
    found = []
    for source in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        found += [
            name for name, values in source.lists()
            if has_control_character(name) or any(has_control_character(value) for value in values)
        ]
    if request.content_type == "application/json" and _json_may_carry_control_characters(request.body):
        try:
            found += _json_fields_with_control_characters(json.loads(request.body))
        except ValueError:
            pass  # not JSON after all: the view's parser says so
    return found


class RefuseControlCharacters:
    """Refuses a request that carries invisible control characters (NUL, ESC, BEL…; tab
    and line breaks are fine), whatever view it is for: the API answers 422 in its error
    shape, naming the fields; a page answers 400. See :mod:`plaza.core.text`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        api = request.path.startswith("/api/")
        if has_control_character(request.path):
            # No page or object has such a name.
            if api:
                return JsonResponse(error_body("not_found", "Not found."), status=404)
            return get_resolver().resolve_error_handler(404)(request, exception=Http404())
        try:
            fields = fields_with_control_characters(request)
        except (SuspiciousOperation, MultiPartParserError, UnreadablePostError) as unreadable:
            if api:
                return JsonResponse(unreadable_body_error(unreadable), status=400)
            return get_resolver().resolve_error_handler(400)(request, exception=unreadable)
        if not fields:
            return self.get_response(request)
        if api:
            body = error_body("invalid", "Some fields are not valid.", {name: [f"This field {NOT_ALLOWED}."] for name in fields})
            return JsonResponse(body, status=422)
        refused = ControlCharacterRefused(f"What you sent {NOT_ALLOWED}. Remove it and try again.")
        return get_resolver().resolve_error_handler(400)(request, exception=refused)
