"""What synthetic cases are made of, for `seed_cases` (a private module): fates by age, the
actions that lead to each state, and the words, names and places they are written with."""

from __future__ import annotations

from datetime import datetime
from itertools import accumulate

from cases.actions import EVENTS
from cases.models import (
    Case,
    Channel,
    DiscriminationGround,
    FilingMode,
    InadmissibleReason,
    Outcome,
    Recommendation,
    RespondentType,
    Right,
    State,
    VulnerableGroup,
)

S, O = State, Outcome  # noqa: E741 - short names keep the tables below readable
YEARS = 10
# For cases up to an age in days: the weights of (state, outcome).
BY_AGE: list[tuple[float, dict[tuple[str, str], int]]] = [
    (3, {(S.RECEIVED, ""): 70, (S.SCREENING, ""): 30}),
    (14, {(S.RECEIVED, ""): 10, (S.SCREENING, ""): 45, (S.AWAITING_SUPPLEMENT, ""): 15,
          (S.INVESTIGATION, ""): 15, (S.CLOSED, O.INADMISSIBLE): 10, (S.CLOSED, O.WITHDRAWN): 5}),
    (60, {(S.SCREENING, ""): 10, (S.AWAITING_SUPPLEMENT, ""): 5, (S.INVESTIGATION, ""): 40,
          (S.MEDIATION, ""): 8, (S.CLOSED, O.INADMISSIBLE): 20, (S.CLOSED, O.TRANSFERRED): 7,
          (S.CLOSED, O.WITHDRAWN): 5, (S.CLOSED, O.NOT_SUPPLEMENTED): 5}),
    (180, {(S.INVESTIGATION, ""): 25, (S.MEDIATION, ""): 5, (S.DELIBERATION, ""): 12,
           (S.MONITORING, ""): 8, (S.CLOSED, O.INADMISSIBLE): 20, (S.CLOSED, O.SETTLED): 10,
           (S.CLOSED, O.WITHDRAWN): 5, (S.CLOSED, O.DISMISSED): 15}),
    (540, {(S.INVESTIGATION, ""): 3, (S.DELIBERATION, ""): 2, (S.MONITORING, ""): 10,
           (S.CLOSED, O.INADMISSIBLE): 30, (S.CLOSED, O.TRANSFERRED): 8,
           (S.CLOSED, O.WITHDRAWN): 10, (S.CLOSED, O.SETTLED): 8, (S.CLOSED, O.DISMISSED): 20,
           (S.CLOSED, O.UPHELD): 9}),
    (float("inf"), {(S.MONITORING, ""): 1, (S.CLOSED, O.INADMISSIBLE): 330,
                    (S.CLOSED, O.TRANSFERRED): 100, (S.CLOSED, O.WITHDRAWN): 130,
                    (S.CLOSED, O.NOT_SUPPLEMENTED): 50, (S.CLOSED, O.SETTLED): 80,
                    (S.CLOSED, O.DISMISSED): 190, (S.CLOSED, O.UPHELD): 120}),
]  # fmt: skip
FATES = [(age, list(weights), list(accumulate(weights.values()))) for age, weights in BY_AGE]
# The actions after "filed" that bring a case to its state and outcome.
PATHS: dict[tuple[str, str], list[str]] = {
    (S.RECEIVED, ""): [],
    (S.SCREENING, ""): ["start_screening"],
    (S.AWAITING_SUPPLEMENT, ""): ["start_screening", "request_supplement"],
    (S.INVESTIGATION, ""): ["start_screening", "accept"],
    (S.MEDIATION, ""): ["start_screening", "accept", "start_mediation"],
    (S.DELIBERATION, ""): ["start_screening", "accept", "submit_findings"],
    (S.MONITORING, ""): ["start_screening", "accept", "submit_findings", "uphold"],
    (S.CLOSED, O.INADMISSIBLE): ["start_screening", "declare_inadmissible"],
    (S.CLOSED, O.TRANSFERRED): ["start_screening", "transfer"],
    (S.CLOSED, O.WITHDRAWN): ["start_screening", "withdraw"],
    (S.CLOSED, O.NOT_SUPPLEMENTED): ["start_screening", "request_supplement",
                                     "close_not_supplemented"],
    (S.CLOSED, O.SETTLED): ["start_screening", "accept", "start_mediation", "settle"],
    (S.CLOSED, O.DISMISSED): ["start_screening", "accept", "submit_findings", "dismiss"],
    (S.CLOSED, O.UPHELD): ["start_screening", "accept", "submit_findings", "uphold",
                           "close_monitoring"],
}  # fmt: skip
# Each transition's target, and the staff-only events, as the model and the registry declare them.
TARGET = {t.name: t.target for t in Case._meta.get_field("state").get_all_transitions(Case)}
INTAKE_ACTIONS = {"start_screening", "request_supplement", "close_not_supplemented"}
INVESTIGATOR_ACTIONS = {"start_mediation", "settle", "submit_findings", "request_reply",
                        "record_response"}  # fmt: skip
NEWS_SHARE = 0.03  # open cases holding information the staff working them have not opened
QUIET_ACTIONS = {name for name, event in EVENTS.items() if event.told is None}
TOLD = {"request_supplement", "declare_inadmissible", "transfer", "settle", "dismiss", "uphold",
        "close_not_supplemented", "extend"}  # fmt: skip
REASONED = {"declare_inadmissible"}
# With an internal note (a recorded response: what the body answered, its note too).
NOTED = {"accept", "submit_findings", "request_reply", "recuse", "start_mediation",
         "record_response"}  # fmt: skip
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
SYLLABLES = "민서지현우준영수연하은도윤예진성호경미희태동혜"
GIVEN = ["Maria", "Ana", "John", "Nguyen", "Aisha", "Daniel", "Olga", "Wei", "Priya", "Tomas"]
FAMILY = ["Santos", "Reyes", "Smith", "Tran", "Khan", "Ivanova", "Chen", "Sharma", "Novak"]
PLACES = ["동구 충장동 주민센터", "시청 민원실", "구립 도서관", "시립 요양원", "버스 정류장",
          "City Hall, 2nd floor", "district health centre", "public housing office"]  # fmt: skip
SENTENCES = {
    "ko": ["담당 직원이 제 설명을 듣지 않고 민원 접수를 거부했습니다.",
           "장애를 이유로 시설 이용을 제한당했습니다.",
           "외국인이라는 이유로 지원 신청이 반려되었습니다.",
           "시설에서 어르신들이 하루 종일 방에 갇혀 지냅니다.",
           "공무원이 모욕적인 말을 했습니다.",
           "같은 일이 여러 번 반복되었고 사과를 받지 못했습니다.",
           "개인정보가 동의 없이 공개되었습니다."],
    "en": ["The officer refused to register my request without hearing me.",
           "My friend was refused a housing subsidy because she is a foreign resident.",
           "The facility does not let residents leave their rooms.",
           "Staff made insulting remarks about my disability.",
           "This has happened several times and nobody apologised."],
}  # fmt: skip
# The choices, read once (TextChoices.values builds a new list on every access).
# Weights as cumulative sums, which `random.choices` would otherwise recompute on every call.
CHANNELS, CHANNEL_WEIGHTS = list(Channel.values), list(accumulate([70, 15, 8, 5, 2]))
MODES, MODE_WEIGHTS = list(FilingMode.values), list(accumulate([75, 10, 15]))
RIGHTS = list(Right.values)
RIGHT_WEIGHTS = list(accumulate([12, 20, 8, 6, 4, 8, 6, 6, 4, 6, 5, 9, 4, 2]))
GROUPS, RESPONDENTS = list(VulnerableGroup.values), list(RespondentType.values)
GROUNDS, REASONS = list(DiscriminationGround.values), list(InadmissibleReason.values)
K = Recommendation.Response
# A body's answers to a recommendation, in the order staff record them, with their weights:
# while the case is monitored (the first weeks: none yet), and once monitoring closed (mostly on
# final answers; the others with a reason recorded on the closing event).
OPEN_ANSWERS = [((), 30), ((K.ACCEPTED,), 25), ((K.PARTIALLY_ACCEPTED,), 10),
                ((K.ACCEPTED, K.PLAN_RECEIVED), 20),
                ((K.PARTIALLY_ACCEPTED, K.PLAN_RECEIVED), 8), ((K.NOT_ACCEPTED,), 4),
                ((K.ACCEPTED, K.PLAN_RECEIVED, K.IMPLEMENTED), 3)]  # fmt: skip
CLOSED_ANSWERS = [((K.ACCEPTED, K.PLAN_RECEIVED, K.IMPLEMENTED), 45),
                  ((K.ACCEPTED, K.IMPLEMENTED), 12),
                  ((K.PARTIALLY_ACCEPTED, K.PLAN_RECEIVED, K.IMPLEMENTED), 10),
                  ((K.NOT_ACCEPTED,), 15), ((K.PARTIALLY_ACCEPTED, K.NOT_ACCEPTED), 5),
                  ((K.PARTIALLY_ACCEPTED,), 8), ((K.ACCEPTED, K.PLAN_RECEIVED), 5)]  # fmt: skip
ANSWERS = {
    closed: ([a for a, _w in table], list(accumulate(w for _a, w in table)))
    for closed, table in ((False, OPEN_ANSWERS), (True, CLOSED_ANSWERS))
}
Step = tuple[str, datetime]
