import django.db.models.deletion
from django.db import migrations, models


def one_line_per_old_news(apps, schema_editor):
    """Each news row named one product: it becomes a group of that one product."""
    ShopNews = apps.get_model("feed", "ShopNews")
    ShopNewsProduct = apps.get_model("feed", "ShopNewsProduct")
    rows = ShopNews.objects.values_list("pk", "product_id").iterator(chunk_size=2000)
    batch = []
    for news_id, product_id in rows:
        batch.append(ShopNewsProduct(news_id=news_id, product_id=product_id))
        if len(batch) == 2000:
            ShopNewsProduct.objects.bulk_create(batch)
            batch = []
    ShopNewsProduct.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_import_job"),
        ("feed", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ShopNewsProduct",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "news",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="lines", to="feed.shopnews"),
                ),
                (
                    "product",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.product"),
                ),
            ],
        ),
        migrations.RunPython(one_line_per_old_news, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="shopnews", name="shop_news_once_per_product"),
        migrations.RemoveField(model_name="shopnews", name="product"),
        migrations.AddIndex(
            model_name="shopnewsproduct",
            index=models.Index(fields=["news", "-id"], name="shop_news_product_newest_idx"),
        ),
        migrations.AddConstraint(
            model_name="shopnewsproduct",
            constraint=models.UniqueConstraint(fields=("product",), name="shop_news_once_per_product"),
        ),
    ]
