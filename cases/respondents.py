"""Respondent bodies as coded data: the office's list, and the link from a case to one of them.

The petitioner names the respondent in their own words (`Case.respondent_name`, sealed): that
text can be neither counted nor published. The ombudsperson keeps a list of public bodies
(`RespondentBody`, Korean and English names); at screening staff link the case to one, and the
statistics count only that link (docs/statistics.md).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from cases.codes import RespondentType, State
from cases.models import Case, CaseEvent, RespondentBody
from ombuds.models import User
from ombuds.roles import Role, roles_of
from ombuds.widgets import PlainSelect

CODE_ACTION = "code_respondent"
# Intake officers code a case while they screen it; the ombudsperson may correct it at any time.
CODING_STATES = {State.RECEIVED, State.SCREENING, State.AWAITING_SUPPLEMENT}

# A starting list for a new office (seed_demo, seed_cases): the office edits it at
# /staff/respondents/. Kind, Korean name, English name.
STARTER_BODIES: list[tuple[str, str, str]] = [
    (RespondentType.CITY_OFFICE, "시청 복지정책과", "City Hall, Welfare Policy Division"),
    (RespondentType.CITY_OFFICE, "시청 주택정책과", "City Hall, Housing Policy Division"),
    (RespondentType.CITY_OFFICE, "시청 교통정책과", "City Hall, Transport Policy Division"),
    (RespondentType.CITY_OFFICE, "시청 여성가족과", "City Hall, Women and Family Division"),
    (RespondentType.CITY_OFFICE, "시청 교육협력과", "City Hall, Education Cooperation Division"),
    (RespondentType.DISTRICT_OFFICE, "동구청", "Dong-gu District Office"),
    (RespondentType.DISTRICT_OFFICE, "서구청", "Seo-gu District Office"),
    (RespondentType.DISTRICT_OFFICE, "남구청", "Nam-gu District Office"),
    (RespondentType.DISTRICT_OFFICE, "북구청", "Buk-gu District Office"),
    (RespondentType.DISTRICT_OFFICE, "광산구청", "Gwangsan-gu District Office"),
    (RespondentType.PUBLIC_CORPORATION, "도시철도공사", "Metro Corporation"),
    (RespondentType.PUBLIC_CORPORATION, "도시공사", "Urban Development Corporation"),
    (RespondentType.PUBLIC_CORPORATION, "시설관리공단", "Facilities Management Corporation"),
    (RespondentType.CONTRACTOR, "시내버스 운송사업조합", "City Bus Operators' Association"),
    (RespondentType.CONTRACTOR, "청소용역 위탁업체", "Contracted Street Cleaning Services"),
    (RespondentType.SUBSIDISED_FACILITY, "시립 요양원", "City Nursing Home"),
    (RespondentType.SUBSIDISED_FACILITY, "시립 장애인복지관", "City Disability Welfare Centre"),
    (RespondentType.SUBSIDISED_FACILITY, "시립 아동보호시설", "City Child Protection Home"),
    (RespondentType.SUBSIDISED_FACILITY, "노숙인 지원센터", "Homeless Support Centre"),
    (RespondentType.OTHER, "시의회 사무처", "City Council Secretariat"),
]


def ensure_starter_bodies() -> list[RespondentBody]:
    """The starter list, created where missing (development seeding only)."""
    return [
        RespondentBody.objects.get_or_create(
            name_ko=name_ko, defaults={"kind": kind, "name_en": name_en}
        )[0]
        for kind, name_ko, name_en in STARTER_BODIES
    ]


def may_code(user: Any, case: Case) -> bool:
    """Intake officers while screening, the ombudsperson always (the caller checked the view)."""
    roles = roles_of(user)
    if Role.OMBUDSPERSON in roles:
        return True
    return Role.INTAKE_OFFICER in roles and case.state in CODING_STATES


class CaseChanged(Exception):  # noqa: N818 - an outcome the user sees
    """The case changed after the form was opened."""


def case_code_respondent(*, case: Case, actor: User, version: int, body: RespondentBody) -> Case:
    """Link `case` to `body`, as one recorded, optimistically locked step (internal event)."""
    with transaction.atomic(durable=True):
        rows = Case.objects.select_related("data_key")
        if connection.features.has_select_for_update:
            rows = rows.select_for_update(of=("self",))
        current = rows.get(pk=case.pk)
        if current.version != version:
            raise CaseChanged(current.reference)
        current.respondent_body = body
        current.version += 1
        current.save(update_fields=["respondent_body", "version"])
        CaseEvent.objects.create(
            case=current, data_key=current.data_key, actor=actor,
            actor_kind=CaseEvent.Actor.STAFF, action=CODE_ACTION, version=current.version,
            from_state=current.state, to_state=current.state, reason_code=str(body.pk),
            public=False,
        )  # fmt: skip
    return current


class CodeRespondentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.ModelChoiceField(
        label=_("Respondent body"),
        queryset=RespondentBody.objects.none(),
        empty_label=_("Choose a body"),
        widget=PlainSelect,
        help_text=_("The body from the office's list that the complaint is about."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body: Any = self.fields["body"]
        body.queryset = RespondentBody.objects.filter(active=True)
        body.label_from_instance = body_label


def body_label(body: RespondentBody) -> str:
    return f"{body.get_kind_display()} — {body.name_ko} ({body.name_en})"


class RespondentBodyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RespondentBody
        fields = ["kind", "name_ko", "name_en", "active"]
        widgets = {"kind": PlainSelect}
