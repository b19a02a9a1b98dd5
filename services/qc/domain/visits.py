"""Return visits (回访): a call to the customer after closure.

Only a call that reached the customer completes the visit, with a satisfaction from 1 to
5 and the answers to the tenant's survey. A call that did not reach them must say when to
call again ("回访不成功,不能提交"); after the tenant's maximum of attempts the visit is
abandoned. Due visits form the "to call back" list.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.errors import Conflict, InvalidFields
from shared.events.qc import (
    ReturnVisitAbandonedPayload,
    ReturnVisitAttemptedPayload,
    ReturnVisitCompletedPayload,
    VisitOutcome,
)

DISSATISFIED = 2  # a satisfaction at or below this is a dissatisfied customer


class VisitState(StrEnum):
    DUE = "due"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class VisitPolicy:
    """Which ticket types get a return visit, how often to try, what to ask."""

    ticket_types: tuple[str, ...] = ("complaint",)
    max_attempts: int = 3
    questions: tuple[str, ...] = ("resolved", "attitude", "speed")


@dataclass(frozen=True)
class Call:
    """One call as the operator records it."""

    outcome: VisitOutcome
    satisfaction: int | None = None
    answers: dict[str, str] = field(default_factory=dict)
    next_attempt_at: datetime | None = None


@dataclass
class ReturnVisit:
    state: VisitState = VisitState.DUE
    attempts: int = 0
    next_attempt_at: datetime | None = None
    satisfaction: int | None = None
    followed_up_by: str | None = None  # who asked for the follow-up ticket

    def record(
        self, call: Call, policy: VisitPolicy, now: datetime
    ) -> ReturnVisitAttemptedPayload | ReturnVisitCompletedPayload | ReturnVisitAbandonedPayload:
        if self.state is not VisitState.DUE:
            raise Conflict(f"the return visit is {self.state.value}", [])
        if call.outcome is VisitOutcome.REACHED:
            return self._completed(call, policy)
        return self._missed(call, policy, now)

    def _completed(self, call: Call, policy: VisitPolicy) -> ReturnVisitCompletedPayload:
        errors = {}
        if call.satisfaction is None:
            errors["satisfaction"] = "a reached customer gives a satisfaction from 1 to 5"
        unknown = sorted(set(call.answers) - set(policy.questions))
        errors |= {f"answers.{q}": "is not a question of the survey" for q in unknown}
        if call.next_attempt_at is not None:
            errors["next_attempt_at"] = "a completed visit has no next attempt"
        if errors:
            raise InvalidFields(errors)
        assert call.satisfaction is not None
        self.attempts += 1
        self.state, self.satisfaction, self.next_attempt_at = (
            VisitState.COMPLETED, call.satisfaction, None,
        )  # fmt: skip
        return ReturnVisitCompletedPayload(
            attempt=self.attempts, satisfaction=call.satisfaction, answers=dict(call.answers),
            dissatisfied=call.satisfaction <= DISSATISFIED,
        )  # fmt: skip

    def _missed(
        self, call: Call, policy: VisitPolicy, now: datetime
    ) -> ReturnVisitAttemptedPayload | ReturnVisitAbandonedPayload:
        if call.satisfaction is not None or call.answers:
            raise InvalidFields({"outcome": "only a reached customer is surveyed"})
        if self.attempts + 1 >= policy.max_attempts:
            self.attempts += 1
            self.state, self.next_attempt_at = VisitState.ABANDONED, None
            return ReturnVisitAbandonedPayload(attempts=self.attempts, last_outcome=call.outcome)
        if call.next_attempt_at is None or call.next_attempt_at <= now:
            # 回访不成功,不能提交: a missed call is recorded only with when to call again.
            raise InvalidFields({"next_attempt_at": "a call that did not reach the customer "
                                 "gives a later time to call again"})  # fmt: skip
        self.attempts += 1
        self.next_attempt_at = call.next_attempt_at
        return ReturnVisitAttemptedPayload(
            attempt=self.attempts, outcome=call.outcome, next_attempt_at=call.next_attempt_at
        )
