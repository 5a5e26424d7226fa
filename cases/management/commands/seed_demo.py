"""Demo accounts (one per role) and a handful of demo complaints, for `make run`.

Does nothing that is already there: safe to run on every start. Never for production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.forms import ComplaintForm
from cases.models import Case
from cases.services import case_file
from ombuds.models import User
from ombuds.roles import Role, ensure_groups, grant_sysadmin

# Synthetic past cases (seed_cases: ten years, every right and kind of respondent, some rare
# combinations) so that the auditors' statistics look like an office's.
DEMO_HISTORY = 3000
DEMO_PASSWORD = "ombuds-demo-2026"  # noqa: S105 - demo accounts only, refused in production
DEMO_COMPLAINTS = [
    {
        "filing_mode": "self", "name": "김민지", "email": "minji@example.org", "language": "ko",
        "narrative": "주민센터 직원이 휠체어 사용을 이유로 민원 접수를 거부했습니다.",
        "respondent_type": "district_office", "respondent_name": "동구청 충장동 주민센터",
        "rights": ["equality", "disability"], "discrimination_ground": "disability",
        "vulnerable_groups": ["disability"],
    },
    {
        "filing_mode": "anonymous", "language": "ko",
        "narrative": "시립 요양원에서 어르신들이 하루 종일 방에 갇혀 지냅니다.",
        "respondent_type": "subsidised_facility", "respondent_name": "시립 ○○요양원",
        "rights": ["liberty", "dignity"], "vulnerable_groups": ["older", "detained"],
    },
    {
        "filing_mode": "on_behalf", "name": "Maria Santos", "email": "maria@example.org",
        "language": "en", "victim_name": "Ana Reyes", "victim_consents": "yes",
        "narrative": "My friend was refused a housing subsidy because she is a foreign resident.",
        "respondent_type": "city_office", "respondent_name": "City Housing Policy Division",
        "rights": ["housing", "equality", "migrants"], "discrimination_ground": "race",
        "vulnerable_groups": ["migrant", "woman"],
    },
]  # fmt: skip


class Command(BaseCommand):
    help = "Create demo staff accounts and demo complaints if they are missing (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo is for development and demonstrations only.")
        groups = ensure_groups()
        created = []
        with transaction.atomic():
            for role in Role:
                user, made = User.objects.get_or_create(
                    username=f"demo-{role.value}",
                    defaults={"email": f"demo-{role.value}@ombuds.localhost"},  # alerts: var/mail/
                )
                if made:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                    user.groups.add(groups[role.value])
                    created.append(user.username)
                if role == Role.SYSADMIN:
                    grant_sysadmin(user)  # the account admin at /staff/admin/
        if created:
            self.stdout.write(f"Created demo accounts: {', '.join(created)}")
        self.stdout.write(f"Demo staff log in as demo-<role> with password {DEMO_PASSWORD!r}.")
        if Case.objects.exists():
            self.stdout.write("Cases exist already: no demo complaints added.")
            return
        for data in DEMO_COMPLAINTS:
            form = ComplaintForm({**data, "privacy_consent": "on", "submission": None})
            form.fields["submission"].required = False
            if not form.is_valid():
                raise CommandError(f"demo complaint is invalid: {form.errors.as_text()}")
            filed = case_file(data=form.cleaned_data)
            self.stdout.write(
                f"Demo complaint {filed.case.reference}, access key {filed.access_key}"
            )
        self.stdout.write(f"Adding {DEMO_HISTORY:,} synthetic past cases for the statistics…")
        call_command("seed_cases", count=DEMO_HISTORY + len(DEMO_COMPLAINTS), investigators=3,
                     verbosity=0)  # fmt: skip
