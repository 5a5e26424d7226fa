"""Key rotation: `manage.py rotate_keys` re-wraps data keys; old data stays readable."""

from __future__ import annotations

import base64
import io
import signal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case, Person
from ombuds import crypto, rotation
from ombuds.models import DataKey
from tests import factories

pytestmark = pytest.mark.django_db

OLD = "old:" + base64.b64encode(b"o" * 32).decode()
NEW = "new:" + base64.b64encode(b"n" * 32).decode()


@pytest.fixture
def old_cases(settings):
    """Three cases written while "old" was the primary KEK; then "new" is put first."""
    settings.OMBUDS_KEYS = OLD
    cases = [factories.file_case(name=f"김민지{i}").case for i in range(3)]
    settings.OMBUDS_KEYS = f"{NEW},{OLD}"
    return cases


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_keys", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def assert_readable(cases):
    """Fresh instances (a DataKey caches its unwrapped secret) still open every value."""
    for number, case in enumerate(cases):
        assert Case.objects.get(pk=case.pk).narrative == factories.complaint_post()["narrative"]
        assert Person.objects.get(case=case).name == f"김민지{number}"


def kek_ids():
    return sorted(DataKey.objects.values_list("kek_id", flat=True))


def test_rotation_rewraps_every_key_and_everything_still_opens(old_cases, settings):
    assert kek_ids() == ["old"] * 3
    secrets_before = [DataKey.objects.get(pk=c.data_key_id).secret() for c in old_cases]
    out, err = run(batch=2)
    assert kek_ids() == ["new"] * 3
    assert [DataKey.objects.get(pk=c.data_key_id).secret() for c in old_cases] == secrets_before
    assert_readable(old_cases)
    assert "2/3" in out.splitlines()
    assert "3/3" in out.splitlines()
    assert "Done: re-wrapped 3 data keys" in out
    assert err == ""
    settings.OMBUDS_KEYS = NEW  # the old key can go now
    assert_readable(old_cases)


def test_check_fails_before_rotation_and_passes_after(old_cases):
    with pytest.raises(CommandError, match="3 data keys still use") as failure:
        run("--check")
    assert failure.value.returncode == 1
    run()
    out, _ = run("--check")
    rows = [line.split(maxsplit=2) for line in out.splitlines()[1:-1]]
    assert rows == [
        ["new", "3", "primary"],
        ["old", "0", "unused: may be removed from OMBUDS_KEYS"],
    ]
    assert "Every data key uses the primary key-encryption key 'new'" in out


def test_check_counts_per_kek_and_flags_unconfigured_ids(old_cases, settings):
    factories.file_case()  # under "new"
    settings.OMBUDS_KEYS = NEW
    with pytest.raises(CommandError, match="3 data keys still use"):
        run("--check")
    usage = rotation.usage()
    assert [(u.kek_id, u.data_keys, u.primary, u.configured) for u in usage] == [
        ("new", 1, True, True),
        ("old", 3, False, False),
    ]


def test_check_reports_without_rewrapping(old_cases):
    with pytest.raises(CommandError):
        run("--check")
    assert kek_ids() == ["old"] * 3


def test_removing_the_old_key_before_rotation_loses_the_data(old_cases, settings):
    """Why `--check` matters: a KEK dropped too early makes its data keys unopenable."""
    settings.OMBUDS_KEYS = NEW
    with pytest.raises(crypto.DecryptionError):
        _ = Case.objects.get(pk=old_cases[0].pk).narrative
    err = io.StringIO()
    with pytest.raises(CommandError, match="3 could not be re-wrapped"):
        call_command("rotate_keys", stdout=io.StringIO(), stderr=err)
    assert "'old', which is not configured" in err.getvalue()
    assert kek_ids() == ["old"] * 3  # nothing was destroyed: putting the key back recovers
    settings.OMBUDS_KEYS = f"{NEW},{OLD}"
    run()
    assert_readable(old_cases)


def test_shredded_keys_are_skipped(old_cases):
    old_cases[0].data_key.shred()
    out, _ = run()
    assert "Done: re-wrapped 2 data keys" in out
    shredded = DataKey.objects.get(pk=old_cases[0].data_key_id)
    assert (shredded.kek_id, shredded.wrapped) == ("old", None)
    assert [u.data_keys for u in rotation.usage()] == [2, 0]
    run("--check")


def test_a_key_that_does_not_unwrap_is_reported_and_the_rest_rotate(old_cases):
    broken = old_cases[1].data_key_id
    DataKey.objects.filter(pk=broken).update(wrapped=b"\x00" * 60)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Re-wrapped 2 data keys; 1 could not"):
        call_command("rotate_keys", stdout=io.StringIO(), stderr=err)
    assert "1 data keys did not unwrap with their key-encryption key" in err.getvalue()
    assert f"(ids {broken})" in err.getvalue()
    assert DataKey.objects.get(pk=broken).wrapped == b"\x00" * 60
    assert kek_ids() == ["new", "new", "old"]


class InterruptOnFirstProgress(io.StringIO):
    """Stands in for the operator pressing Ctrl-C while the first batch is reported."""

    def write(self, text):
        if text.startswith("1/"):
            signal.raise_signal(signal.SIGINT)
        return super().write(text)


def test_ctrl_c_stops_after_the_current_batch_and_a_rerun_finishes(old_cases):
    before = signal.getsignal(signal.SIGINT)
    out, err = InterruptOnFirstProgress(), io.StringIO()
    with pytest.raises(CommandError, match="Interrupted: re-wrapped 1 data keys; 2 still use"):
        call_command("rotate_keys", batch=1, stdout=out, stderr=err)
    assert signal.getsignal(signal.SIGINT) is before
    assert "Stopping after the current batch" in err.getvalue()
    assert "1/3" in out.getvalue()
    assert "2/3" not in out.getvalue()
    assert kek_ids() == ["new", "old", "old"]
    out, _ = run(batch=1)
    assert "Done: re-wrapped 2 data keys" in out
    assert kek_ids() == ["new"] * 3
    assert_readable(old_cases)


def test_interrupted_run_exits_like_ctrl_c(old_cases):
    with pytest.raises(CommandError) as failure:
        call_command("rotate_keys", batch=1, stdout=InterruptOnFirstProgress())
    assert failure.value.returncode == 130


class InterruptTwice(io.StringIO):
    def write(self, text):
        if text.startswith("1/"):
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
        return super().write(text)


def test_second_ctrl_c_stops_at_once_and_says_what_is_left(old_cases):
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(CommandError, match=r"Stopped at once .* 2 data keys still use") as stop:
        call_command("rotate_keys", batch=1, stdout=InterruptTwice(), stderr=io.StringIO())
    assert stop.value.returncode == 130
    assert signal.getsignal(signal.SIGINT) is before
    assert kek_ids() == ["new", "old", "old"]


def test_rotate_resumes_where_it_stopped(old_cases):
    answers = iter([False, True])
    first = rotation.rotate(batch_size=1, should_stop=lambda: next(answers))
    assert (first.done, first.total, first.interrupted) == (1, 3, True)
    second = rotation.rotate(batch_size=1)
    assert (second.done, second.total, second.interrupted) == (2, 2, False)
    assert not rotation.outdated().exists()


def test_rotate_reports_each_batch(old_cases):
    seen = []
    rotation.rotate(batch_size=2, on_batch=lambda p: seen.append((p.done, p.total)))
    assert seen == [(2, 3), (3, 3)]


def test_nothing_to_do_is_said_plainly():
    factories.file_case()
    out, _ = run()
    assert out.strip() == (
        "Nothing to re-wrap: every data key uses the primary key-encryption key 'test1'."
    )


def test_new_key_prints_a_usable_key():
    out, _ = run("--new-key")
    key = out.strip()
    assert len(base64.b64decode(key, validate=True)) == crypto.KEY_BYTES
    assert crypto.parse_keys(f"k:{key}")[0] == "k"
    assert run("--new-key")[0].strip() != key


@pytest.mark.parametrize("batch", [0, -5])
def test_batch_must_be_positive(batch):
    with pytest.raises(CommandError, match="--batch"):
        run(batch=batch)


def test_check_and_new_key_do_not_mix():
    with pytest.raises(CommandError):
        run("--check", "--new-key")


def test_malformed_keys_are_reported_plainly(settings):
    settings.OMBUDS_KEYS = "k1:not-a-key"
    with pytest.raises(CommandError, match=r"not configured correctly.*base64"):
        run("--check")
