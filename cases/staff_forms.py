"""Staff forms: the queue filters and one form per case action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import followup, queues
from cases.action_names import ActionName
from cases.effects import Documents, RecommendationDraft
from cases.forms import MAX_TEXT, ComplaintForm, EvidenceField, FixedChoiceField, TextField
from cases.models import (
    Attachment,
    Case,
    Channel,
    InadmissibleReason,
    Recommendation,
    RespondentType,
    Right,
    State,
    VulnerableGroup,
)
from ombuds.models import User
from ombuds.roles import Role
from ombuds.widgets import PlainSelect

VIEW_LABELS = {
    "all": _("All my cases"),
    "new": _("New complaints"),
    "news": _("New information"),
    "mine": _("Assigned to me"),
    "unassigned": _("Unassigned"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "recommendations": _("Recommendations due"),
}


def _any(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class QueueFilterForm(forms.Form):
    view = FixedChoiceField(label=_("Queue"), choices=list(VIEW_LABELS.items()), required=False,
                            widget=PlainSelect)  # fmt: skip
    state = FixedChoiceField(label=_("State"), choices=_any(_("Any state"), State.choices),
                             required=False, widget=PlainSelect)  # fmt: skip
    right = FixedChoiceField(label=_("Right"), choices=_any(_("Any right"), Right.choices),
                             required=False, widget=PlainSelect)  # fmt: skip
    respondent = FixedChoiceField(
        label=_("Respondent"), choices=_any(_("Any respondent"), RespondentType.choices),
        required=False, widget=PlainSelect,
    )  # fmt: skip
    group = FixedChoiceField(
        label=_("Vulnerable group"), choices=_any(_("Any group"), VulnerableGroup.choices),
        required=False, widget=PlainSelect,
    )  # fmt: skip
    received_from = forms.DateField(label=_("Received from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    received_to = forms.DateField(label=_("Received until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    reference = forms.CharField(label=_("Case reference"), required=False, max_length=40)

    def filters(self) -> queues.Filters:
        from cases.receipts import normalise_reference

        data = self.cleaned_data if self.is_valid() else {}
        return queues.Filters(
            view=data.get("view") or "all",
            state=data.get("state", ""),
            right=data.get("right", ""),
            respondent=data.get("respondent", ""),
            group=data.get("group", ""),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            reference=normalise_reference(data.get("reference", "")),
        )


class PersonSearchForm(forms.Form):
    """Exact terms, any of them; never sent in a URL (the form is POSTed)."""

    name = forms.CharField(label=_("Name"), required=False, max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip
    email = forms.CharField(label=_("Email"), required=False, max_length=254,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in self.fields):
            raise ValidationError(_("Enter a name, a phone number or an email address."))
        return data

    def used(self) -> list[str]:
        """The fields searched on (their names, never their values: the access log)."""
        return [name for name in self.fields if self.cleaned_data.get(name)]


def investigators_for(case: Case) -> Any:
    """Investigators who may take the case: active, and not recused from it."""
    return (
        User.objects.filter(groups__name=Role.INVESTIGATOR, is_active=True)
        .exclude(pk__in=case.recusals.values("user"))
        .order_by("username")
    )


class ActionForm(forms.Form):
    """What every action carries: the version seen, a note, and a message to the petitioner
    when the action tells the petitioner (`StaffAction.bind`); without it, a posted message is
    ignored and cleans to ''."""

    message_required = False
    note_required = False
    message_label = _("Message to the petitioner")
    note_label = _("Internal note (staff only)")

    version = forms.IntegerField(widget=forms.HiddenInput)
    message = TextField(max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    note = TextField(max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, case: Case, tells_petitioner: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["version"].initial = case.version
        if tells_petitioner:
            self.fields["message"].label = self.message_label
            self.fields["message"].required = self.message_required
        else:
            del self.fields["message"]
        self.fields["note"].label = self.note_label
        self.fields["note"].required = self.note_required

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("message", "")  # no field: nothing for the petitioner
        return data

    def extra(self) -> dict[str, Any]:
        """Arguments for the service beyond the common step."""
        return {}


class MessageRequiredForm(ActionForm):
    message_required = True


class NoteRequiredForm(ActionForm):
    note_required = True


class SupplementForm(ActionForm):
    message_required = True
    message_label = _("What information do you need from the petitioner?")


class InvestigatorForm(ActionForm):
    investigator = forms.ModelChoiceField(label=_("Investigator"), queryset=User.objects.none())

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field: Any = self.fields["investigator"]
        field.queryset = investigators_for(case)

    def extra(self) -> dict[str, Any]:
        return {"investigator": self.cleaned_data["investigator"]}


class AcceptForm(InvestigatorForm):
    """Starts from the investigator last proposed for the case, if they may still take it."""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        proposed = (
            case.events.filter(action=ActionName.PROPOSE_ASSIGNMENT, investigator__isnull=False)
            .order_by("-pk")
            .values_list("investigator", flat=True)
            .first()
        )
        field: Any = self.fields["investigator"]
        if proposed is not None and field.queryset.filter(pk=proposed).exists():
            field.initial = proposed


class InadmissibleForm(ActionForm):
    message_required = True
    message_label = _("Reasons, for the petitioner")
    reason = forms.ChoiceField(label=_("Ground"), choices=InadmissibleReason.choices)

    def extra(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class TransferForm(ActionForm):
    body = TextField(label=_("Receiving body"), required=True, max_length=200)
    body_reference = TextField(label=_("Its reference"), required=True, max_length=100)

    def extra(self) -> dict[str, Any]:
        return {"body": self.cleaned_data["body"], "reference": self.cleaned_data["body_reference"]}


class UpholdForm(ActionForm):
    """Up to three recommendations at once; at least one."""

    message_required = True
    message_label = _("Decision, for the petitioner")

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        for i in (1, 2, 3):
            self.fields[f"agency_type_{i}"] = forms.ChoiceField(
                label=_("Recommendation %(n)s: addressed to") % {"n": i},
                choices=_any(_("Choose a body"), RespondentType.choices), required=False,
            )  # fmt: skip
            self.fields[f"agency_name_{i}"] = TextField(
                label=_("Recommendation %(n)s: name of the body") % {"n": i}, max_length=200
            )
            self.fields[f"text_{i}"] = TextField(
                label=_("Recommendation %(n)s: text") % {"n": i}, max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drafts = []
        for i in (1, 2, 3):
            parts = [data.get(f"{name}_{i}") for name in ("agency_type", "agency_name", "text")]
            if any(parts) and not all(parts):
                self.add_error(f"text_{i}", _("Give the body, its name and the text."))
            elif all(parts):
                drafts.append(parts)
        if not drafts and not self.errors:
            raise ValidationError(_("Upholding a complaint needs at least one recommendation."))
        data["drafts"] = drafts
        return data

    def extra(self) -> dict[str, Any]:
        return {"recommendations": [RecommendationDraft(*d) for d in self.cleaned_data["drafts"]]}


class ReplyForm(ActionForm):
    due = forms.DateField(label=_("Reply due by"), widget=forms.DateInput(attrs={"type": "date"}))

    def extra(self) -> dict[str, Any]:
        return {"due": self.cleaned_data["due"]}


def _date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


def _files(label: Any, help_text: Any) -> EvidenceField:
    return EvidenceField(label=label, required=False, help_text=help_text)


class DocumentForm(ActionForm):
    """Documents for the case file: one type, date and visibility for the files sent together."""

    kind = forms.ChoiceField(label=_("Type of document"), choices=Attachment.Kind.choices)
    document_date = _date_field(_("Date of the document"))
    documents = _files(_("Files"), _("PDF, images or office documents, checked by their content."))
    petitioner_visible = forms.BooleanField(
        label=_("The petitioner may read it on their tracking page"), required=False,
        help_text=_("Leave unticked to keep it for staff only."),
    )  # fmt: skip

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["document_date"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "documents" in data and not data["documents"]:
            self.add_error("documents", _("Choose at least one file."))
        return data

    def extra(self) -> dict[str, Any]:
        data = self.cleaned_data
        documents = Documents(
            files=data["documents"],
            kind=data["kind"],
            dated=data["document_date"],
            petitioner_visible=data["petitioner_visible"],
        )
        return {"documents": documents}


class ReplyReceivedForm(ActionForm):
    """The respondent's reply: its date, a summary (sealed, staff only), its letters."""

    note_required = True
    note_label = _("Summary of the reply (staff only)")
    received_on = _date_field(_("Date of the reply"))
    letters = _files(
        _("The respondent's letters (optional)"),
        _("They join the case file as letters from the respondent, staff only."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()

    def clean_received_on(self) -> Any:
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise ValidationError(_("A reply cannot be dated in the future."))
        return received_on

    def extra(self) -> dict[str, Any]:
        return {"received_on": self.cleaned_data["received_on"],
                "letters": self.cleaned_data["letters"]}  # fmt: skip


class ReminderForm(ActionForm):
    new_due = _date_field(_("New reply date (optional)"), required=False)

    def clean_new_due(self) -> Any:
        new_due = self.cleaned_data["new_due"]
        if new_due is not None and new_due < timezone.localdate():
            raise ValidationError(_("The new reply date cannot be in the past."))
        return new_due

    def extra(self) -> dict[str, Any]:
        return {"new_due": self.cleaned_data["new_due"]}


class ExtendForm(ActionForm):
    message_required = True
    message_label = _("Reason for the extension, told to the petitioner")
    new_due = forms.DateField(label=_("New deadline"),
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean_new_due(self) -> Any:
        new_due = self.cleaned_data["new_due"]
        if self.case.due_date and new_due <= self.case.due_date:
            raise ValidationError(_("The new deadline must be later than the current one."))
        return new_due

    def extra(self) -> dict[str, Any]:
        return {"new_due": self.cleaned_data["new_due"]}


class ResponseForm(ActionForm):
    """A body's answer to one recommendation, added to its history (cases.followup)."""

    note_label = _("What the body answered (internal, kept with the response)")
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"), queryset=Recommendation.objects.none()
    )
    response = forms.ChoiceField(label=_("Response"), choices=Recommendation.Response.choices)
    plan_date = forms.DateField(
        label=_("Date of the implementation plan (for a plan received)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    evidence = forms.ModelChoiceField(
        label=_("Evidence of implementation: a file of the case (optional)"),
        queryset=Attachment.objects.none(), required=False,
    )  # fmt: skip

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        field: Any = self.fields["recommendation"]
        field.queryset = case.recommendations.order_by("pk")
        numbers = {pk: n for n, pk in enumerate(field.queryset.values_list("pk", flat=True), 1)}
        field.label_from_instance = lambda r: recommendation_label(r, numbers.get(r.pk, 0))
        evidence: Any = self.fields["evidence"]
        evidence.queryset = case.attachments.select_related("data_key").order_by("uploaded_at")
        evidence.label_from_instance = lambda a: f"{a.filename} ({a.uploaded_at:%Y-%m-%d})"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("response")
        if kind == Recommendation.Response.PLAN_RECEIVED and not data.get("plan_date"):
            self.add_error("plan_date", _("Give the date of the plan received."))
        if kind == Recommendation.Response.IMPLEMENTED and not data.get("note"):
            self.add_error("note", _("Say what shows that the recommendation was implemented."))
        if data.get("evidence") and kind != Recommendation.Response.IMPLEMENTED:
            self.add_error("evidence", _("Evidence goes with an implemented recommendation."))
        return data

    def extra(self) -> dict[str, Any]:
        evidence = self.cleaned_data.get("evidence")
        return {
            "recommendation_id": self.cleaned_data["recommendation"].pk,
            "response": self.cleaned_data["response"],
            "plan_date": self.cleaned_data.get("plan_date"),
            "evidence_id": evidence.pk if evidence else None,
        }


def recommendation_label(recommendation: Recommendation, number: int) -> str:
    """Its number on the case page, the body and its status: `2 · Dong-gu Office (Accepted)`."""
    status = recommendation.get_status_display() if recommendation.status else _("no answer yet")
    return f"{number} · {recommendation.agency_name} ({status})"


class CloseMonitoringForm(ActionForm):
    """While a recommendation has no final status (implemented or refused), closing needs a
    reason, recorded as the event's internal note; the service checks it again."""

    early_note_label = _(
        "Why monitoring closes before every recommendation is implemented or refused"
        " (recorded, staff only)"
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.tally = followup.tally(case)
        if self.tally.unfinished:
            self.fields["note"].label = self.early_note_label
            self.fields["note"].required = True


class StaffComplaintForm(ComplaintForm):
    """A complaint taken by phone, in person or by letter; or an own-motion case."""

    channel = forms.ChoiceField(label=_("Received by"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, own_motion: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channels = [Channel.PHONE, Channel.WALK_IN, Channel.LETTER]
        if own_motion:
            channels.append(Channel.OWN_MOTION)
        channel: Any = self.fields["channel"]
        channel.choices = [(c.value, c.label) for c in channels]
        self.fields["privacy_consent"].label = _(
            "The petitioner agreed that the office collects and uses their personal information"
            " to handle the complaint."
        )
        self.fields["privacy_consent"].required = False
        self.fields["filing_mode"].required = False

    def _clean_people(self, data: dict[str, Any]) -> None:
        if data.get("channel") == Channel.OWN_MOTION:
            # The office acts of its own motion: no petitioner, nobody's agreement to record.
            data.update(dict.fromkeys(self.IDENTITY, ""), filing_mode="", privacy_consent=True)
            return
        self._require(data, "filing_mode", _("Choose how the complaint is filed."))
        self._require(data, "privacy_consent", _("Record the petitioner's agreement first."))
        super()._clean_people(data)
