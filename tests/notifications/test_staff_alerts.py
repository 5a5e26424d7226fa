"""Staff alerts through a real SMTP server: each says exactly what happened, in the member's
language, to the members concerned and nobody else; a change that rolls back alerts nobody; no
alert carries a petitioner's name, address, narrative or a note."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services
from cases import transitions as t
from cases.models import Case, State
from notifications.models import HeldAlert, Notification
from ombuds import duties
from ombuds.models import DutyRequest, User
from ombuds.roles import Role
from tests import factories
from tests.cases.faults import failing_sql
from tests.conftest import make_staff, sign_in
from tests.notifications.support import drain, staff_mailbox
from tests.ombuds.auth_helpers import PASSWORD, password_login, totp_code

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
# What each alert says: (subject, first line), in English and Korean.
SAYS = {
    "en": {
        "staff_assigned": ("[Ombudsperson] Case {ref} assigned to you",
                           "Case {ref} was assigned to you."),
        "staff_news": ("[Ombudsperson] New information on case {ref}",
                       "The petitioner added information or evidence to case {ref}."),
        "staff_findings": ("[Ombudsperson] Findings on case {ref} await a decision",
                           "The investigator submitted findings on case {ref}; the case awaits "
                           "your decision."),
        "staff_recusal": ("[Ombudsperson] A recusal on case {ref}",
                          "A staff member declared a conflict of interest on case {ref} and no "
                          "longer has access to it. Check who works on the case now."),
    },
    "ko": {
        "staff_assigned": ("[시민인권보호관] 사건번호 {ref} 배정 안내",
                           "사건번호 {ref}이(가) 배정되었습니다."),
        "staff_news": ("[시민인권보호관] 사건번호 {ref} 새 정보",
                       "진정인이 사건번호 {ref}에 정보나 증거를 추가했습니다."),
        "staff_findings": ("[시민인권보호관] 사건번호 {ref} 결정 요청",
                           "조사관이 사건번호 {ref}의 조사 결과를 제출했습니다. 결정을 기다리고 "
                           "있습니다."),
        "staff_recusal": ("[시민인권보호관] 사건번호 {ref} 회피 신고",
                          "직원 한 명이 사건번호 {ref}에 이해충돌을 신고하여 더 이상 열람할 수 "
                          "없습니다. 담당자를 확인하십시오."),
    },
}  # fmt: skip
STATES = {
    "en": {State.SCREENING: "Screening", State.INVESTIGATION: "Investigation",
           State.DELIBERATION: "Deliberation"},
    "ko": {State.SCREENING: "사전 검토", State.INVESTIGATION: "조사", State.DELIBERATION: "심의"},
}  # fmt: skip
FOOTER = {
    "en": "This alert names the case by its reference only; open it in Ombuds for the details. "
    "Choose between alerts as they happen and one daily digest in your profile:",
    "ko": "이 알림은 사건번호만 알려 드립니다. 자세한 내용은 Ombuds에서 사건을 열어 확인하십시오. "
    "알림을 바로 받을지 하루 한 번 요약으로 받을지는 내 설정에서 고를 수 있습니다:",
}


def speak(crew: Any, language: str) -> None:
    User.objects.all().update(language=language)


def expected(event: str, language: str, case: Case) -> list[str]:
    subject, first = SAYS[language][event]
    with translation.override(language):
        due = formats.date_format(case.due_date, "DATE_FORMAT")
    state, deadline = ("State:", "Processing deadline:") if language == "en" else (
        "진행 단계:", "처리 기한:")  # fmt: skip
    return [
        subject.format(ref=case.reference),
        first.format(ref=case.reference),
        f"{state} {STATES[language][case.state]}",
        f"{deadline} {due}",
        "",
        f"{SITE}/staff/",
        "",
        FOOTER[language],
        f"{SITE}/staff/profile/",
    ]


def as_lines(message: EmailMessage) -> list[str]:
    subject = " ".join(str(message["Subject"]).split())  # unfolded
    return [subject, *message.get_content().rstrip().splitlines()]


def fresh(crew: Any, state: str, smtp: Any) -> Case:
    case = crew.case_in(state, narrative="Canary narrative: 김민지 휠체어")
    drain()
    smtp.received.clear()
    return case


@pytest.mark.parametrize("language", ["ko", "en"])
def test_acceptance_tells_the_assigned_investigator_alone(smtp, crew, language):
    speak(crew, language)
    case = fresh(crew, State.SCREENING, smtp)
    crew.advance(case, "accept")
    case.refresh_from_db()
    boxes = staff_mailbox(smtp)
    assert list(boxes) == [crew.investigator.email]
    (message,) = boxes[crew.investigator.email]
    assert as_lines(message) == expected("staff_assigned", language, case)
    assert message["Content-Language"] == language


def test_reassignment_tells_the_new_investigator_not_the_previous_one(smtp, crew):
    case = fresh(crew, State.INVESTIGATION, smtp)
    t.case_act(case=case, step=crew.step(case, crew.ombudsperson, note="Canary note"),
               action="assign", investigator=crew.investigator2)  # fmt: skip
    assert list(staff_mailbox(smtp)) == [crew.investigator2.email]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_news_tells_the_assigned_investigator_only(smtp, crew, language):
    speak(crew, language)
    case = fresh(crew, State.INVESTIGATION, smtp)
    services.case_add_information(case=case, message="Canary narrative: the bus was 271.")
    case.refresh_from_db()
    boxes = staff_mailbox(smtp)
    assert list(boxes) == [crew.investigator.email]  # not the other investigator, nor the heads
    (message,) = boxes[crew.investigator.email]
    assert as_lines(message) == expected("staff_news", language, case)


def test_news_in_screening_tells_those_who_see_it_except_the_recused(smtp, crew):
    case = fresh(crew, State.SCREENING, smtp)
    t.case_act(case=case, step=crew.step(case, crew.ombudsperson2, note="Canary note"),
               action="recuse")  # fmt: skip
    smtp.received.clear()
    Notification.objects.all().delete()
    services.case_add_information(case=case, message="More.")
    assert sorted(staff_mailbox(smtp)) == sorted(
        [crew.intake.email, crew.intake2.email, crew.ombudsperson.email]
    )


@pytest.mark.parametrize("language", ["ko", "en"])
def test_findings_tell_the_ombudspersons_who_may_see_the_case(smtp, crew, language):
    speak(crew, language)
    case = fresh(crew, State.INVESTIGATION, smtp)
    t.case_act(case=case, step=crew.step(case, crew.ombudsperson2, note="Canary note"),
               action="recuse")  # fmt: skip
    smtp.received.clear()
    Notification.objects.all().delete()
    crew.advance(case, "submit_findings")
    case.refresh_from_db()
    boxes = staff_mailbox(smtp)
    assert list(boxes) == [crew.ombudsperson.email]  # not the recused one, not the investigator
    (message,) = boxes[crew.ombudsperson.email]
    assert as_lines(message) == expected("staff_findings", language, case)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_recusal_tells_those_still_working_the_case(smtp, crew, language):
    speak(crew, language)
    case = fresh(crew, State.INVESTIGATION, smtp)
    t.case_act(case=case, step=crew.step(case, crew.investigator, note="Canary note"),
               action="recuse")  # fmt: skip
    case.refresh_from_db()
    boxes = staff_mailbox(smtp)
    # The investigator recused: the ombudspersons, who reassign; never the other investigator.
    assert sorted(boxes) == sorted([crew.ombudsperson.email, crew.ombudsperson2.email])
    for address in boxes:
        (message,) = boxes[address]
        assert as_lines(message) == expected("staff_recusal", language, case)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_role_granted_is_mailed_to_that_member_in_their_language(smtp, crew, language):
    admin = make_staff("admin", Role.SYSADMIN)
    newcomer = make_staff("newcomer")
    User.objects.filter(pk=newcomer.pk).update(email="newcomer@office.example.org",
                                               language=language)  # fmt: skip
    newcomer.refresh_from_db()
    asked = duties.request_change(kind=DutyRequest.Kind.GRANT_ROLE, subject=newcomer,
                                  role=Role.INVESTIGATOR, requested_by=admin)  # fmt: skip
    duties.decide(request=asked, approver=crew.ombudsperson, approve=True)
    (message,) = staff_mailbox(smtp)["newcomer@office.example.org"]
    says = {
        "en": ["[Ombudsperson] A change to your staff account",
               "You were given the role: Investigator.",
               "If you did not expect this change, tell an ombudsperson or the system "
               "administrator at once."],
        "ko": ["[시민인권보호관] 직원 계정 변경 안내", "다음 역할이 부여되었습니다: 조사관.",
               "예상하지 못한 변경이라면 즉시 시민인권보호관이나 시스템 관리자에게 알리십시오."],
    }[language]  # fmt: skip
    assert as_lines(message)[:3] == says


def test_a_second_factor_reset_is_mailed_at_once_even_to_a_digest_member(smtp, crew):
    admin = make_staff("admin", Role.SYSADMIN)
    User.objects.filter(pk=crew.intake.pk).update(alerts=User.Alerts.DIGEST, language="en")
    crew.intake.refresh_from_db()
    asked = duties.request_change(kind=DutyRequest.Kind.RESET_SECOND_FACTOR, subject=crew.intake,
                                  requested_by=admin)  # fmt: skip
    duties.decide(request=asked, approver=crew.ombudsperson, approve=True)
    (message,) = staff_mailbox(smtp)[crew.intake.email]
    assert "Your second factor (the authenticator app) was reset." in message.get_content()


def test_a_digest_member_gets_no_immediate_case_alert(smtp, crew):
    User.objects.filter(pk=crew.investigator.pk).update(alerts=User.Alerts.DIGEST)
    crew.investigator.refresh_from_db()
    case = fresh(crew, State.SCREENING, smtp)
    crew.advance(case, "accept")
    assert staff_mailbox(smtp) == {}
    held = HeldAlert.objects.get(member=crew.investigator)
    assert (held.event, held.context["reference"]) == ("staff_assigned", case.reference)


def test_news_that_rolls_back_alerts_nobody(smtp, crew):
    case = fresh(crew, State.INVESTIGATION, smtp)
    with failing_sql(r'INSERT INTO "cases_attachment"'), pytest.raises(OperationalError):
        services.case_add_information(
            case=case, message="x", evidence=[(factories.pdf(), "application/pdf")]
        )
    assert not Notification.objects.filter(event="staff_news").exists()
    assert staff_mailbox(smtp) == {}
    services.case_add_information(
        case=case, message="x", evidence=[(factories.pdf(), "application/pdf")]
    )
    assert list(staff_mailbox(smtp)) == [crew.investigator.email]  # the same change, committed


def test_a_role_change_that_rolls_back_alerts_nobody(smtp, crew):
    admin = make_staff("admin", Role.SYSADMIN)
    asked = duties.request_change(kind=DutyRequest.Kind.GRANT_ROLE, subject=crew.intake2,
                                  role=Role.INVESTIGATOR, requested_by=admin)  # fmt: skip
    with failing_sql(r"ombuds_accesslogentry"), pytest.raises(OperationalError):
        duties.decide(request=asked, approver=crew.ombudsperson, approve=True)
    assert not Notification.objects.filter(event="staff_account").exists()
    assert crew.intake2.email not in staff_mailbox(smtp)


def test_enrolling_a_second_factor_is_mailed_to_that_member(smtp, crew, client):
    User.objects.filter(pk=crew.intake2.pk).update(language="en")
    assert password_login(client, crew.intake2.username).url == reverse("accounts:enrol")
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=crew.intake2, confirmed=False)
    assert staff_mailbox(smtp) == {}  # an enrolment begun changes nothing yet
    response = client.post(reverse("accounts:enrol"), {"token": totp_code(device)})
    assert response.status_code == 200  # signed in: the backup codes, shown once
    assert TOTPDevice.objects.get(user=crew.intake2).confirmed
    queued = Notification.objects.get(event="staff_account")
    assert queued.context == {"change": "second_factor_enrolled", "role": ""}
    (message,) = staff_mailbox(smtp)[crew.intake2.email]
    assert as_lines(message)[:2] == [
        "[Ombudsperson] A change to your staff account",
        "A new second factor (an authenticator app) was enrolled on your account.",
    ]


def test_a_new_set_of_backup_codes_is_mailed_to_that_member(smtp, crew):
    User.objects.filter(pk=crew.investigator.pk).update(language="en")
    client = sign_in(Client(), crew.investigator)
    refused = client.post(reverse("accounts:backup_codes"), {"password": "not it"})
    assert refused.status_code == 200
    assert staff_mailbox(smtp) == {}  # a wrong password makes no codes and tells nobody
    client.post(reverse("accounts:backup_codes"), {"password": PASSWORD})
    (message,) = staff_mailbox(smtp)[crew.investigator.email]
    assert as_lines(message)[1] == (
        "A new set of backup codes was made for your account; the earlier codes no longer work."
    )
