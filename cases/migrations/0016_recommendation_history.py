"""Recommendations keep the history of their responses (cases.followup): a response row for
each answer already recorded (its sealed note opened and sealed again for the new row, whose
table and column it is then bound to), `response` renamed `status`, a follow-up date, and the
partial index of the "recommendations due" queue."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import ombuds.fields

CHOICES = [
    ("accepted", "Accepted"),
    ("partially_accepted", "Partially accepted"),
    ("not_accepted", "Refused (not accepted)"),
    ("plan_received", "Implementation plan received"),
    ("implemented", "Implemented"),
]
FINAL = {"implemented", "not_accepted"}


def _reseal(token, data_key_id, old_context, new_context):
    """The note's plaintext, sealed for its new row. The historical models have none of the
    key's methods, so the key is read through the current model (ombuds.DataKey, whose
    columns this migration does not touch)."""
    from ombuds import crypto
    from ombuds.fields import Sealed
    from ombuds.models import DataKey

    key = DataKey.objects.get(pk=data_key_id)
    plain = crypto.unseal(bytes(token), data_key=key, context=old_context)
    return Sealed(crypto.seal(plain, data_key=key, context=new_context))


def histories(apps, schema_editor):
    Recommendation = apps.get_model("cases", "Recommendation")
    Response = apps.get_model("cases", "RecommendationResponse")
    answered = Recommendation.objects.exclude(status="").select_related("case")
    for rec in answered.iterator():
        uid = uuid.uuid4()
        token = rec.__dict__.get("response_note")  # still sealed: never opened here
        note = None
        if token:
            note = _reseal(token, rec.data_key_id,
                           f"cases_recommendation|response_note|{rec.uid}",
                           f"cases_recommendationresponse|note|{uid}")  # fmt: skip
        row = Response(uid=uid, case_id=rec.case_id, recommendation_id=rec.pk,
                       data_key_id=rec.data_key_id, kind=rec.status,
                       recorded_at=rec.responded_at or rec.issued_at)  # fmt: skip
        row.__dict__["note"] = note
        row.save()
    # Non-final recommendations are followed up on the case's date (60 days after the decision).
    for rec in Recommendation.objects.exclude(status__in=FINAL).select_related("case").iterator():
        rec.follow_up_due = rec.case.follow_up_due
        rec.save(update_fields=["follow_up_due"])


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0015_index_key"),
        ("ombuds", "0004_duty_requests"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="recommendation", old_name="response", new_name="status"),
        migrations.AlterField(
            model_name="recommendation",
            name="status",
            field=models.CharField(blank=True, choices=CHOICES, max_length=20),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="follow_up_due",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="RecommendationResponse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("kind", models.CharField(choices=CHOICES, max_length=20)),
                ("plan_date", models.DateField(blank=True, null=True)),
                ("note", ombuds.fields.SealedTextField(blank=True, null=True)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("case", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="recommendation_responses", to="cases.case")),
                ("data_key", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="ombuds.datakey")),
                ("evidence", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="cases.attachment")),
                ("recommendation", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="responses", to="cases.recommendation")),
                ("recorded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["recorded_at", "pk"]},
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(condition=models.Q(("state__in", ("monitoring",))), fields=["follow_up_due", "id"], name="case_monitoring_due"),
        ),
        migrations.RunPython(histories, migrations.RunPython.noop),
        migrations.RemoveField(model_name="recommendation", name="response_note"),
        migrations.RemoveField(model_name="recommendation", name="responded_at"),
    ]
