"""Filing a complaint through the public form."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from cases import attachments, receipts
from cases.models import Attachment, Case, CaseEvent, CaseTag, Person, State
from notifications.models import Notification
from notifications.services import Outcome, deliver
from ombuds.models import DataKey
from tests import factories

pytestmark = pytest.mark.django_db


def test_form_page_offers_every_part(client):
    response = client.get(reverse("cases:complaint"))
    assert response.status_code == HTTPStatus.OK
    for name in ("filing_mode", "narrative", "respondent_type", "rights", "evidence", "submission"):
        assert f'name="{name}"' in response.text


def test_named_complaint_is_stored_whole_and_receipt_shown(
    client, complaint_data, django_capture_on_commit_callbacks
):
    complaint_data["evidence"] = [factories.pdf(), factories.png()]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:complaint"), complaint_data)
    assert response.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert case.state == State.RECEIVED
    assert case.reference in response.text
    assert "no-store" in response["Cache-Control"]
    assert case.narrative == complaint_data["narrative"]
    assert set(case.tags.filter(kind=CaseTag.Kind.RIGHT).values_list("code", flat=True)) == {
        "equality",
        "disability",
    }
    petitioner = case.people.get()
    assert (petitioner.role, petitioner.name) == (Person.Role.PETITIONER, "김민지")
    assert sorted(a.filename for a in case.attachments.all()) == ["evidence.pdf", "photo.png"]
    assert case.events.get().action == "filed"
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.PENDING  # the request does not send
    assert mail.outbox == []
    assert deliver(notification.pk) == Outcome.SENT  # the outbox worker does
    (message,) = mail.outbox
    assert message.to == ["minji.kim@example.org"]
    assert case.reference in message.subject
    assert "김민지" not in message.subject + message.body
    assert complaint_data["narrative"] not in message.body


def test_anonymous_complaint_keeps_no_identity(client, complaint_data):
    complaint_data.update(filing_mode="anonymous")
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert response.status_code == HTTPStatus.OK
    case = Case.objects.get()
    assert not case.people.exists()
    assert not Notification.objects.exists()


def test_on_behalf_complaint_records_both_people_and_consent(client, complaint_data):
    complaint_data.update(
        filing_mode="on_behalf",
        victim_name="박영수",
        victim_contact="010-9876-5432",
        relationship="이웃",
        victim_consents="yes",
    )
    client.post(reverse("cases:complaint"), complaint_data)
    case = Case.objects.get()
    assert case.victim_consents is True
    assert {p.role: p.name for p in case.people.all()} == {
        "petitioner": "김민지",
        "victim": "박영수",
    }


def test_invalid_complaint_keeps_everything_typed_and_names_lost_files(client, complaint_data):
    complaint_data.update(narrative="", rights=[], evidence=[factories.pdf("letter.pdf")])
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert response.status_code == HTTPStatus.OK
    assert not Case.objects.exists()
    assert 'href="#id_narrative"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert complaint_data["respondent_name"] in response.text
    assert "letter.pdf" in response.text


def test_errors_are_in_the_petitioners_language(client, complaint_data):
    complaint_data.update(narrative="")
    client.cookies["django_language"] = "en"
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert "This field is required." in response.text
    client.cookies["django_language"] = "ko"
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert "필수 항목입니다." in response.text


def test_file_type_is_checked_by_content_not_name(client, complaint_data):
    complaint_data["evidence"] = [
        factories.SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all")
    ]
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert not Case.objects.exists()
    assert "report.pdf" in response.text


def test_resubmitting_the_same_form_stores_one_case(client, complaint_data):
    client.post(reverse("cases:complaint"), complaint_data)
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert Case.objects.count() == 1
    assert Case.objects.get().reference in response.text


def test_honeypot_turns_bots_away(client, complaint_data):
    complaint_data["website"] = "http://spam.example"
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Case.objects.exists()


def test_rate_limit_keeps_the_text(client, complaint_data, settings):
    settings.OMBUDS_RATE_LIMITS = {**settings.OMBUDS_RATE_LIMITS, "intake": "1/3600"}
    client.post(reverse("cases:complaint"), complaint_data)
    second = factories.complaint_post(narrative="두 번째 진정 내용입니다.")
    response = client.post(reverse("cases:complaint"), second)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "두 번째 진정 내용입니다." in response.text
    assert Case.objects.count() == 1


def test_a_failure_midway_stores_nothing(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("storage cannot live under a file")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "attachments")},
        },
    }
    with pytest.raises(OSError):  # noqa: PT011 - whichever error the file system gives
        factories.file_case(evidence=[factories.pdf()])
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not Notification.objects.exists()


def test_a_reference_drawn_twice_stores_the_complaint_whole_under_another(monkeypatch):
    """40 random bits a year can repeat: the complaint is stored again, whole, evidence
    included, under a fresh reference; nothing of the first try is left behind."""
    first = factories.file_case()
    draws = iter([first.case.reference, first.case.reference])
    fresh = receipts.new_reference
    monkeypatch.setattr(receipts, "new_reference", lambda today: next(draws, None) or fresh(today))

    second = factories.file_case(evidence=[factories.pdf()], email="second@example.org")

    assert second.case.reference not in {first.case.reference, None}
    assert Case.objects.count() == 2
    assert DataKey.objects.count() == 2
    assert Person.objects.filter(case=second.case).count() == 1
    assert CaseEvent.objects.filter(case=second.case).count() == 1
    assert Notification.objects.filter(context__reference=second.case.reference).count() == 1
    assert Notification.objects.count() == 2
    (attachment,) = Attachment.objects.all()
    assert attachment.case_id == second.case.pk
    assert attachments.read(attachment) == factories.PDF_BYTES
    stored = Case.objects.get(pk=second.case.pk)
    assert receipts.access_key_matches(
        stored.access_key_hash,
        stored.access_key_id,
        second.case.reference,
        second.access_key,
    )


def test_switching_language_on_the_form_keeps_what_was_typed(client, complaint_data):
    complaint_data["switch_language"] = "en"
    complaint_data["evidence"] = [factories.pdf("letter.pdf")]
    response = client.post(reverse("cases:complaint"), complaint_data)
    assert response.status_code == HTTPStatus.OK
    assert not Case.objects.exists()
    assert response.cookies["django_language"].value == "en"
    assert "File a complaint" in response.text
    assert complaint_data["narrative"] in response.text
    assert re.search(r'name="rights" value="disability"[^>]*checked', response.text)
    assert "letter.pdf" in response.text
    assert "This field is required." not in response.text


def test_nothing_can_be_added_to_a_closed_case(client, complaint_data):
    from cases import services

    filed = factories.file_case()
    services.case_withdraw_by_petitioner(case=filed.case, reason="")
    client.post(
        reverse("cases:track"),
        {"reference": filed.case.reference, "access_key": filed.access_key},
    )
    response = client.post(reverse("cases:add_information"), {"message": "late addition"})
    assert response.status_code == HTTPStatus.FOUND
    assert not filed.case.events.filter(action="information_added").exists()
