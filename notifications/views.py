"""The dead letters page, /staff/outbox/failed/: messages whose last attempt failed, with the
reason, for the ombudsperson, who can send them again. Case references and error types only:
no address is shown (the case page says how to reach the petitioner)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Notification, Suppression
from ombuds.auth import role_required
from ombuds.roles import Role

PAGE = 100


@require_GET
@role_required(Role.OMBUDSPERSON)
def dead_letters(request: HttpRequest) -> HttpResponse:
    failed = Notification.objects.filter(status=Notification.Status.FAILED).order_by("-pk")
    fields = ("pk", "event", "context", "created_at", "attempts", "last_error", "delivery_status")
    rows = [
        {**row, "to_staff": row["event"].startswith("staff_")}
        for row in failed.values(*fields)[:PAGE]
    ]
    context = {"rows": rows, "total": failed.count(), "page": PAGE}
    return render(request, "staff/dead_letters.html", context)


@require_POST
@role_required(Role.OMBUDSPERSON)
def retry(request: HttpRequest) -> HttpResponse:
    """Send a dead letter again from its first attempt; an address stopped as undeliverable is
    tried again too (the ombudsperson knows it was fixed); one its owner stopped is not."""
    number = request.POST.get("notification", "")
    with transaction.atomic():
        row = Notification.objects.filter(
            pk=int(number) if number.isdigit() else 0, status=Notification.Status.FAILED
        ).first()
        if row is None:
            messages.error(request, _("This message is no longer waiting to be sent again."))
            return redirect("outbox:dead_letters")
        Suppression.objects.filter(recipient_index=row.recipient_index).exclude(
            reason=Suppression.Reason.OPTED_OUT
        ).delete()
        Notification.objects.filter(pk=row.pk).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(),
            last_error="", delivery_status="", claim_token=None, claimed_until=None,
        )  # fmt: skip
    messages.success(request, _("The message will be sent again within a minute."))
    return redirect("outbox:dead_letters")
