"""The one rule for text people send: no invisible control characters.

C0 controls other than tab, line feed and carriage return, and DEL, are refused wherever
text enters Plaza: :class:`plaza.core.middleware.RefuseControlCharacters` checks every
request's path, query, form fields and JSON strings before any view runs (PostgreSQL
cannot store NUL at all; the others are invisible and break terminals and exports), and
:func:`clean_text` applies the same rule, with trimming and lengths, to what services take.
"""

import re

CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters as a JSON string writes them: \u0000-\u0008, \u000b, \u000c,
# \u000e-\u001f and \u007f, where the backslash is not itself escaped.
JSON_CONTROL_ESCAPE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])"
)
NOT_ALLOWED = "contains an invisible control character, which is not allowed"


def has_control_character(text: str) -> bool:
    return CONTROL_CHARACTER.search(text) is not None


def clean_text(value, *, max_length: int, required: bool = False, label: str = "This field") -> str:
    """The text trimmed, its line breaks as line feeds (browsers send a textarea's as
    CRLF), or ValueError with a message a person can act on."""
    text = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if has_control_character(text):
        raise ValueError(f"{label} {NOT_ALLOWED}.")
    if required and not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long: use at most {max_length} characters.")
    return text
