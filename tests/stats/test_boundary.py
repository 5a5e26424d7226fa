"""Statistics read coded columns only: no sealed field is mapped in the stats app."""

from __future__ import annotations

from django.apps import apps

from ombuds.fields import SealedTextField


def test_no_stats_model_maps_a_sealed_column():
    models = apps.get_app_config("stats").get_models()
    fields = [(m.__name__, f.name) for m in models for f in m._meta.get_fields()]
    assert fields
    sealed = [(m.__name__, f.name) for m in apps.get_app_config("stats").get_models()
              for f in m._meta.get_fields() if isinstance(f, SealedTextField)]  # fmt: skip
    assert not sealed


def test_the_case_reader_maps_no_personal_column():
    case = apps.get_model("stats", "CaseSource")
    mapped = {f.attname for f in case._meta.concrete_fields}
    assert mapped == {"id", "state", "outcome", "channel", "filing_mode", "respondent_type",
                      "respondent_body_id", "received_at", "received_month", "closed_at",
                      "due_date"}  # fmt: skip
