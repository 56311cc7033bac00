"""URL converters for the merchant pages."""

from django.urls import register_converter


class RowIdConverter:
    """A positive row id that fits a 64-bit integer column; longer digit strings 404."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowIdConverter, "row_id")
