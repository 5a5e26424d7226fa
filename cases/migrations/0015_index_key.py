"""Index keys have ids (ombuds.crypto): each blind index and access-key hash records the id of
the key it was made with. Everything stored before was made with the one OMBUDS_INDEX_KEY,
whose id is "index1"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_case_file")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="access_key_id",
            field=models.CharField(db_index=True, default="index1", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="person",
            name="index_key_id",
            field=models.CharField(blank=True, default="index1", max_length=32),
            preserve_default=False,
        ),
    ]
