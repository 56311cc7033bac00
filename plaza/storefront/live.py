"""The Channels group a product page listens on for stock changes."""


def product_stock_group(product_id: int) -> str:
    return f"product-stock.{product_id}"
