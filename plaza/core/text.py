"""Cleaning of the short texts people type: names, questions, notes."""

import re

# C0 controls other than tab and newline, and DEL: invisible, and some break storage or terminals.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value, *, max_length: int, required: bool = False, label: str = "This field") -> str:
    """The text trimmed, or ValueError with a message a person can act on."""
    text = "" if value is None else str(value).strip()
    if _CONTROL.search(text):
        raise ValueError(f"{label} contains a character that is not allowed.")
    if required and not text:
        raise ValueError(f"{label} is required.")
    if len(text) > max_length:
        raise ValueError(f"{label} is too long: use at most {max_length} characters.")
    return text
