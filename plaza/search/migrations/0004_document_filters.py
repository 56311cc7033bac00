"""Copy each product's shop, category and price into its search document (see ProductDocument).

The columns stay nullable: on SQLite, making them NOT NULL would rebuild the table and drop
the triggers that keep the FTS5 index in step (migration 0002).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_products(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    ProductDocument = apps.get_model("search", "ProductDocument")
    product = Product.objects.filter(pk=OuterRef("product_id"))
    ProductDocument.objects.update(
        shop_id=Subquery(product.values("shop_id")[:1]),
        category_id=Subquery(product.values("category_id")[:1]),
        min_price=Subquery(product.values("min_price")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("shops", "0002_opening_hours_until_midnight"),
        ("search", "0003_weight_titles"),
    ]

    operations = [
        migrations.AddField(
            model_name="productdocument",
            name="shop",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="shops.shop"
            ),
        ),
        migrations.AddField(
            model_name="productdocument",
            name="category",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="catalog.category"
            ),
        ),
        migrations.AddField(
            model_name="productdocument",
            name="min_price",
            field=models.DecimalField(decimal_places=2, max_digits=12, null=True),
        ),
        migrations.RunPython(copy_from_products, migrations.RunPython.noop),
    ]
