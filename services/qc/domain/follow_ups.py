"""A dissatisfied return visit (satisfaction ≤ 2) reopens the matter as a new ticket linked
to the closed one (归档 is final): submitted to intake like any upstream system's, once."""

from pydantic import ValidationError

from services.qc.domain.cases import VISITORS, QcCase
from services.qc.domain.visits import DISSATISFIED, VisitState
from shared.errors import Conflict, Forbidden
from shared.events import Actor
from shared.events.submissions import Contact, Submission
from shared.events.vocabulary import Channel, TicketType


def follow_up(case: QcCase, operator: Actor, description: str) -> Submission:
    """The follow-up ticket's submission; the visit remembers that it was asked for."""
    if operator.role not in VISITORS:
        raise Forbidden(f"role {operator.role!r} may not follow up return visits", VISITORS)
    visit, reg = case.visit, case.registration
    if visit is None or reg is None or visit.state is not VisitState.COMPLETED:
        raise Conflict(f"ticket {case.ticket_id} has no completed return visit", [])
    if visit.satisfaction is None or visit.satisfaction > DISSATISFIED:
        raise Conflict(f"the customer was satisfied ({visit.satisfaction}/5): no follow-up", [])
    if visit.followed_up_by is not None:
        raise Conflict(f"{visit.followed_up_by} asked for the follow-up already", [])
    submission = Submission(
        tenant_id=case.tenant_id, source=Channel.PHONE, source_system="qc",
        external_ref=f"{case.ticket_id}:follow-up", type=TicketType(reg.type),
        subject=f"Re: {reg.subject}"[:200] if reg.subject else f"Re: {reg.number}",
        description=description, contact=_contact(case), account_id=reg.account_id,
        service=reg.service, related_to=case.ticket_id,
    )  # fmt: skip
    visit.followed_up_by = operator.id
    return submission


def _contact(case: QcCase) -> Contact | None:
    reg = case.registration
    assert reg is not None
    if reg.contact is None:
        return None
    try:
        return Contact.model_validate(reg.contact)
    except ValidationError:
        if reg.account_id is not None:
            return None  # the account reaches the customer
        raise Conflict(
            "the customer's recorded contact is no longer accepted: register the follow-up by hand",
            [],
        ) from None
