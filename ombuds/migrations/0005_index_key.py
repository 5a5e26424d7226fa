"""Index keys have ids (ombuds.crypto): each access-log MAC records the id of the index key it
was made with. Every row before was MAC'd with the one OMBUDS_INDEX_KEY, whose id is "index1"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ombuds", "0004_duty_requests")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="mac_key_id",
            field=models.CharField(blank=True, default="index1", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accessloganchor",
            name="mac_key_id",
            field=models.CharField(blank=True, default="index1", max_length=32),
            preserve_default=False,
        ),
    ]
