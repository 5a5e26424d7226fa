"""Rotating the index key (`OMBUDS_INDEX_KEYS`): people are found throughout, petitioners' access
keys keep working, new hashes use the new key, suppressed addresses stay suppressed, the access
log keeps verifying, an interrupted or killed rotation resumes, and `--check` says when the old
key may go."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
from http import HTTPStatus
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases import indexkeys, people, selectors
from cases.models import Case, Person
from notifications import services as notifications
from notifications.models import Suppression
from ombuds import crypto
from ombuds.accesslog import record_access, verify_chain
from tests import factories
from tests.conftest import TEST_INDEX_KEY, TEST_KEYS
from tests.notifications.test_worker_faults import ROOT, worker_env

pytestmark = pytest.mark.django_db

NEW_INDEX_KEY = base64.b64encode(b"n" * 32).decode()
ROTATED = f"index2:{NEW_INDEX_KEY},index1:{TEST_INDEX_KEY}"  # OMBUDS_INDEX_KEY was "index1"


def rotate_to_the_new_key(settings: Any, *, keep_old: bool = True) -> None:
    settings.OMBUDS_INDEX_KEY = ""
    settings.OMBUDS_INDEX_KEYS = ROTATED if keep_old else f"index2:{NEW_INDEX_KEY}"


def found(user: Any, **terms: str) -> set[str]:
    return set(people.cases_of(user, **terms).values_list("reference", flat=True))


def track(client: Any, case: Case, access_key: str) -> Any:
    data = {"reference": case.reference, "access_key": access_key}
    return client.post(reverse("cases:track"), data)


def test_a_lone_index_key_is_the_key_index1_and_both_at_once_are_refused(settings):
    assert crypto.index_key_ids() == ["index1"]
    settings.OMBUDS_INDEX_KEYS = ROTATED
    with pytest.raises(crypto.KeyConfigurationError, match="not both"):
        crypto.keyring()
    settings.OMBUDS_INDEX_KEY = ""
    assert crypto.index_key_ids() == ["index2", "index1"]


def test_people_are_found_before_during_and_after_the_rotation(settings, staff):
    first = factories.file_case().case
    second = factories.file_case(name="Kim Min-ji", email="kim@example.org").case
    rotate_to_the_new_key(settings)
    boss = staff.ombudsperson
    assert found(boss, name="김민지") == {first.reference}  # old indexes, found under the old key

    out = StringIO()
    call_command("rotate_index_key", "--batch", "1", stdout=out)
    assert "Done: re-indexed 2 people under 'index2'." in out.getvalue()
    assert set(Person.objects.values_list("index_key_id", flat=True)) == {"index2"}
    rotate_to_the_new_key(settings, keep_old=False)  # the indexes no longer need the old key
    assert found(boss, name="KIM MINJI", email=" KIM@example.org") == {second.reference}
    assert found(boss, phone="010 2345 6789") == {first.reference, second.reference}

    out = StringIO()
    call_command("rotate_index_key", stdout=out)  # idempotent: nothing left to do
    assert "Done: re-indexed 0 people" in out.getvalue()


def test_new_complaints_use_the_new_key(settings):
    rotate_to_the_new_key(settings)
    filed = factories.file_case()
    assert filed.case.access_key_id == "index2"
    assert filed.case.people.get().index_key_id == "index2"
    assert selectors.case_by_receipt(filed.case.reference, filed.access_key) == filed.case


def test_access_keys_keep_working_and_move_to_the_new_key_when_used(client, settings):
    opened = factories.file_case()
    untouched = factories.file_case()
    rotate_to_the_new_key(settings)
    call_command("rotate_index_key", stdout=StringIO())
    assert Case.objects.get(pk=opened.case.pk).access_key_id == "index1"  # cannot be recomputed

    response = track(client, opened.case, opened.access_key)
    assert (response.status_code, response.url) == (HTTPStatus.FOUND, reverse("cases:tracked"))
    assert Case.objects.get(pk=opened.case.pk).access_key_id == "index2"  # re-hashed when used
    assert track(client, opened.case, "0" * 28).status_code == HTTPStatus.OK  # a wrong key: no

    out = StringIO()
    with pytest.raises(CommandError, match="1 open cases"):
        call_command("rotate_index_key", "--check", stdout=out)
    assert "keep it until these cases close" in out.getvalue()

    rotate_to_the_new_key(settings, keep_old=False)
    assert track(client, opened.case, opened.access_key).status_code == HTTPStatus.FOUND
    assert track(client, untouched.case, untouched.access_key).status_code == HTTPStatus.OK
    usage = {entry.key_id: entry for entry in indexkeys.usage()}
    assert (usage["index1"].configured, usage["index1"].open_cases) == (False, 1)


def test_the_check_says_when_the_old_key_may_go(settings):
    filed = factories.file_case()
    rotate_to_the_new_key(settings)
    with pytest.raises(CommandError, match="'index1' \\(1 people, 1 open cases\\)"):
        call_command("rotate_index_key", "--check", stdout=StringIO())
    call_command("rotate_index_key", stdout=StringIO())
    assert selectors.case_by_receipt(filed.case.reference, filed.access_key) is not None
    from cases.services import case_rekey_access_key

    assert case_rekey_access_key(case=filed.case, access_key=filed.access_key)
    out = StringIO()
    call_command("rotate_index_key", "--check", stdout=out)
    assert "uses 'index1': it may be removed" in out.getvalue()


def test_a_suppressed_address_stays_suppressed_after_the_rotation(settings):
    case = factories.file_case(no_email_updates="on").case
    assert notifications.email_stopped(selectors.petitioner_email_index(case))
    rotate_to_the_new_key(settings)
    assert notifications.notify("case_received", to="minji.kim@example.org", language="ko",
                                context={"reference": case.reference},
                                data_key=case.data_key) is None  # fmt: skip
    call_command("rotate_index_key", stdout=StringIO())
    rotate_to_the_new_key(settings, keep_old=False)
    assert notifications.email_stopped(selectors.petitioner_email_index(case))
    assert Suppression.objects.count() == 1


def test_the_access_log_verifies_across_the_rotation(settings):
    record_access(user=None, request=None, action="search_people", case_reference="",
                  detail="name")  # fmt: skip
    rotate_to_the_new_key(settings)
    record_access(user=None, request=None, action="search_people", case_reference="",
                  detail="email")  # fmt: skip
    report = verify_chain()
    assert (report.ok, report.rows) == (True, 2)


def test_an_interrupted_rotation_resumes_where_it_stopped(settings, staff):
    filed = [factories.file_case(name=f"Person {n}") for n in range(5)]
    rotate_to_the_new_key(settings)
    batches: list[int] = []
    done = people.reindex(batch=2, progress=batches.append, should_stop=lambda: bool(batches))
    assert done == 2
    assert Person.objects.filter(index_key_id="index1").count() == 3
    for item in filed:  # half done: everyone is still found
        assert found(staff.ombudsperson, name=item.case.people.get().name) == {item.case.reference}
    assert people.reindex(batch=2) == 3
    assert not people.stale().exists()


@pytest.mark.django_db(transaction=True)
def test_a_killed_rotation_leaves_everyone_findable_and_a_rerun_finishes(settings, staff):
    case = factories.file_case().case
    for n in range(300):
        Person.objects.create(case=case, data_key=case.data_key, role=Person.Role.VICTIM,
                              **people.indexes(name=f"victim {n}"), name=f"victim {n}")  # fmt: skip
    env = {**worker_env(0), "OMBUDS_KEYS": TEST_KEYS, "OMBUDS_INDEX_KEY": "",
           "OMBUDS_INDEX_KEYS": ROTATED}  # fmt: skip
    command = [sys.executable, "manage.py", "rotate_index_key", "--batch", "20"]
    rotation = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert rotation.stdout is not None
    while not (line := rotation.stdout.readline()).startswith("60/"):
        assert line, "rotate_index_key ended before it was killed"
    rotation.send_signal(signal.SIGKILL)
    rotation.wait()
    rotation.stdout.close()

    rotate_to_the_new_key(settings)
    left = Person.objects.filter(index_key_id="index1").count()
    assert 0 < left <= 301 - 60
    assert found(staff.ombudsperson, name="victim 299") == {case.reference}
    assert found(staff.ombudsperson, name="victim 0") == {case.reference}
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120, check=False)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert f"Done: re-indexed {left} people" in rerun.stdout
    assert not people.stale().exists()


def test_access_log_rows_record_their_key_and_need_it_to_verify(settings):
    record_access(user=None, request=None, action="search_people", case_reference="",
                  detail="name")  # fmt: skip
    rotate_to_the_new_key(settings)
    record_access(user=None, request=None, action="search_people", case_reference="",
                  detail="email")  # fmt: skip
    usage = {entry.key_id: entry.access_log for entry in indexkeys.usage()}
    assert usage == {"index2": 1, "index1": 1}
    rotate_to_the_new_key(settings, keep_old=False)
    report = verify_chain()
    assert report.problem == "the row's index key 'index1', which MAC'd it, is not configured"


def test_backup_codes_made_before_the_rotation_work_while_the_old_key_is_kept(settings):
    from ombuds import recovery
    from tests.conftest import make_staff

    member = make_staff("investigator", "investigator")
    first, second, *_ = recovery.issue(user=member, first=True)
    rotate_to_the_new_key(settings)
    assert recovery.use(user=member, code=first) is not None  # a wrong try would throttle
    new_set = recovery.issue(user=member, first=False)
    rotate_to_the_new_key(settings, keep_old=False)
    assert recovery.use(user=member, code=new_set[0]) is not None
    assert recovery.use(user=member, code=second) is None  # the old set died with regeneration
