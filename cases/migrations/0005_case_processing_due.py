# The due-soon and overdue queues read cases being processed in deadline order: a partial index
# on (due_date, id) for those states lets them stop after one page (cases.queues.Among).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_event_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    (
                        "state__in",
                        (
                            "screening",
                            "awaiting_supplement",
                            "investigation",
                            "mediation",
                            "deliberation",
                        ),
                    )
                ),
                fields=["due_date", "id"],
                name="case_processing_due",
            ),
        ),
    ]
