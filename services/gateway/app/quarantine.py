"""Releasing a quarantined ticket (隔离放行): intake holds a ticket whose contact is not a
verified directory entry (``quarantine_unknown_contacts``). Dispatch's ``release`` is the
system's, on intake's ``ticket.released``; a person releases by vouching for the contact:
intake verifies the directory entry that recognises it (or records it verified), which
releases every quarantined ticket of that contact, as intake's verification does.
"""

import json
from collections.abc import Mapping
from typing import Any

from services.gateway.app.forwarding import Forwarding, send
from services.gateway.app.ports import NewUnitOfWork, ServiceRequest
from services.gateway.app.reading import readable_view
from services.gateway.domain.callers import Caller, Role, require
from services.gateway.domain.idempotency import StoredReply
from shared.errors import Conflict, InvalidFields
from shared.events.vocabulary import TicketStatus

JSON = "application/json"
# Who may vouch for a caller: the desk that takes calls and those who dispatch.
RELEASERS = frozenset({Role.AGENT, Role.DISPATCHER, Role.GROUP_LEAD, Role.SUPERVISOR, Role.ADMIN})
CONTACT_FIELDS = ("contact_id", "name", "phone", "email")


def vouched_contact(submission: Mapping[str, Any]) -> dict[str, Any]:
    """The submission's contact (and account), as intake recognises a contact by."""
    contact = submission.get("contact") or {}
    entry = {k: contact[k] for k in CONTACT_FIELDS if contact.get(k)}
    if not any(k in entry for k in ("contact_id", "phone", "email")):
        raise InvalidFields({"contact": "the ticket names no contact to verify"})
    if submission.get("account_id"):
        entry["account_id"] = submission["account_id"]
    return entry


async def release(
    ticket_id: str, caller: Caller, new_uow: NewUnitOfWork, ports: Forwarding, key: str | None
) -> StoredReply:
    """Intake's answer to vouching for the ticket's contact: the customer, the released."""
    require(caller, RELEASERS)
    view = await readable_view(ticket_id, caller, new_uow)  # another tenant's: a 404
    if view.get("status") != TicketStatus.QUARANTINED.value:
        raise Conflict(f"ticket {ticket_id} is not in quarantine")
    entry = vouched_contact(await _submission(ticket_id, caller, ports))
    body = json.dumps(entry).encode()
    path = f"/tenants/{view['tenant_id']}/contacts/vouch"
    return await send(ServiceRequest("intake", "POST", path, body, JSON), caller, key, ports)


async def _submission(ticket_id: str, caller: Caller, ports: Forwarding) -> dict[str, Any]:
    reply = await send(
        ServiceRequest("intake", "GET", f"/tickets/{ticket_id}"), caller, None, ports
    )
    if reply.status != 200:
        raise Conflict(f"intake does not know ticket {ticket_id} (status {reply.status})")
    found = json.loads(reply.body).get("submission")
    return found if isinstance(found, dict) else {}
