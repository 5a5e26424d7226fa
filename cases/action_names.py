"""The name of everything that happens in a case's life, as stored in `CaseEvent.action`.

Declared apart from the registry (cases.actions, which re-exports it) so that the forms the
registry names can use the names too. A stored name never changes: rows keep it for good.
"""

from __future__ import annotations

import enum


class ActionName(enum.StrEnum):
    # The petitioner's own steps (the public form and the tracking page).
    FILED = "filed"
    INFORMATION_ADDED = "information_added"
    WITHDRAWN = "withdrawn"
    # What the system records on its own.
    MAIL_UNDELIVERABLE = "mail_undeliverable"
    # Staff actions, in the order a case page offers them.
    START_SCREENING = "start_screening"
    REQUEST_SUPPLEMENT = "request_supplement"
    RESUME_SCREENING = "resume_screening"
    CLOSE_NOT_SUPPLEMENTED = "close_not_supplemented"
    PROPOSE_ASSIGNMENT = "propose_assignment"
    ACCEPT = "accept"
    DECLARE_INADMISSIBLE = "declare_inadmissible"
    TRANSFER = "transfer"
    WITHDRAW = "withdraw"
    START_MEDIATION = "start_mediation"
    END_MEDIATION = "end_mediation"
    SETTLE = "settle"
    SUBMIT_FINDINGS = "submit_findings"
    REQUEST_REPLY = "request_reply"
    REPLY_RECEIVED = "reply_received"
    REMINDER_SENT = "reminder_sent"
    RETURN_TO_INVESTIGATION = "return_to_investigation"
    DISMISS = "dismiss"
    UPHOLD = "uphold"
    RECORD_RESPONSE = "record_response"
    CLOSE_MONITORING = "close_monitoring"
    REOPEN = "reopen"
    ASSIGN = "assign"
    EXTEND = "extend"
    NOTE = "note"
    ADD_DOCUMENT = "add_document"
    RECUSE = "recuse"
