"""MongoDB persistence of intake's tickets and number counters."""

from collections.abc import Collection, Iterable
from dataclasses import asdict
from datetime import datetime
from itertools import groupby
from typing import Any

import bson
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.intake.adapters.batch import TransactionState
from services.intake.app.ports import DuplicateSubmission
from services.intake.domain.numbering import Reservation
from services.intake.domain.priority import PriorityBasis
from services.intake.domain.ticket import ExternalRef, Ticket
from shared.events.submissions import Submission
from shared.events.vocabulary import Priority, Severity, TicketStatus

TICKETS, COUNTERS = "tickets", "number_counters"
# Where a batch keeps its tickets and counter reservations (see TransactionState).
_BUFFER, _RESERVATIONS = "intake.tickets", "intake.reservations"

TICKET_INDEXES = [
    IndexModel(
        [("tenant_id", ASCENDING), ("source", ASCENDING), ("external_ref", ASCENDING)],
        unique=True,
    ),
    IndexModel([("tenant_id", ASCENDING), ("number", ASCENDING)], unique=True),
    # The repeat rule: one contact's recent tickets.
    IndexModel(
        [("tenant_id", ASCENDING), ("contact_keys", ASCENDING), ("registered_at", DESCENDING)]
    ),
    # Release on verification: one contact's quarantined tickets.
    IndexModel([("tenant_id", ASCENDING), ("contact_keys", ASCENDING), ("status", ASCENDING)]),
]


def _document(ticket: Ticket) -> dict[str, Any]:
    return {
        "_id": ticket.ticket_id,
        "tenant_id": ticket.tenant_id,
        "source": ticket.submission.source.value,
        "external_ref": ticket.submission.external_ref,
        "number": ticket.number,
        "submission": ticket.submission.model_dump(mode="json"),
        "priority": ticket.priority.value,
        "priority_basis": asdict(ticket.basis) | {"severity": ticket.basis.severity.value},
        "status": ticket.status.value,
        "registered_at": ticket.registered_at,
        "contact_keys": ticket.contact_keys,
        "repeat_of": ticket.repeat_of,
        "open": ticket.open,
    }


def _ticket(doc: dict[str, Any]) -> Ticket:
    basis = doc["priority_basis"]
    return Ticket(
        ticket_id=doc["_id"],
        number=doc["number"],
        submission=Submission.model_validate(doc["submission"]),
        priority=Priority(doc["priority"]),
        status=TicketStatus(doc["status"]),
        registered_at=doc["registered_at"],
        basis=PriorityBasis(
            basis["urgency"],
            basis["impact"],
            Severity(basis["severity"]),
            Priority(basis["from_matrix"]),
            basis["raised_as_repeat"],
        ),
        repeat_of=doc["repeat_of"],
        open=doc["open"],
    )


def _ref(doc: dict[str, Any]) -> ExternalRef:
    return doc["tenant_id"], doc["source"], doc["external_ref"]


def _of_contacts(
    docs: Iterable[dict[str, Any]], tenant_id: str, keys: Collection[str], since: datetime
) -> list[dict[str, Any]]:
    """What the repeat rule's query returns of ``docs``, in its order (between tickets
    registered in the same millisecond the server's order is its own; here the stored ones
    come first, then the batch's in the order it added them)."""
    wanted = set(keys)
    found = [
        d
        for d in docs
        if d["tenant_id"] == tenant_id
        and not wanted.isdisjoint(d["contact_keys"])
        and d["registered_at"] >= since
    ]
    return sorted(found, key=lambda d: d["registered_at"])


class TicketBuffer:
    """A batch's tickets: what it read of them up front, and those it added, written in one
    ``insert_many`` just before it commits. Lookups see both as they would stored ones."""

    def __init__(self, tickets: AsyncCollection[Any], session: AsyncClientSession) -> None:
        self._tickets, self._session = tickets, session
        self.by_ref: dict[ExternalRef, dict[str, Any] | None] = {}
        # Per tenant: the contact keys read, and every ticket of any of them.
        self.by_contact: dict[str, tuple[frozenset[str], list[dict[str, Any]]]] = {}
        self.added: dict[ExternalRef, dict[str, Any]] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        self._unwritten: list[dict[str, Any]] = []

    def known(self, ref: ExternalRef) -> tuple[bool, dict[str, Any] | None]:
        """(True, the ticket or None) when the batch knows; (False, None) when only the
        server does."""
        if ref in self.added:
            return True, self.added[ref]
        return ref in self.by_ref, self.by_ref.get(ref)

    def add(self, doc: dict[str, Any]) -> None:
        # Kept as the server would return it (milliseconds, time zone, types).
        stored = bson.decode(bson.encode(doc), codec_options=self._tickets.codec_options)
        self.added[_ref(stored)] = self.by_id[stored["_id"]] = stored
        self._unwritten.append(doc)

    def of_contacts(
        self, tenant_id: str, keys: Collection[str], since: datetime
    ) -> list[dict[str, Any]] | None:
        """The tickets of those contacts since then, or None if the batch did not read them."""
        read = self.by_contact.get(tenant_id)
        if read is None or not read[0].issuperset(keys):
            return None
        return _of_contacts([*read[1], *self.added.values()], tenant_id, keys, since)

    async def write(self) -> None:
        """Store what was added so far (at the commit, or before a query the batch cannot
        answer itself)."""
        if self._unwritten:
            docs, self._unwritten = self._unwritten, []
            await self._tickets.insert_many(docs, session=self._session)


class MongoTicketRepository:
    def __init__(
        self,
        db: AsyncDatabase[Any],
        session: AsyncClientSession | None,
        state: TransactionState | None = None,
    ) -> None:
        self._tickets = db[TICKETS]
        self._session = session
        self._state = state

    def _buffer(self) -> TicketBuffer | None:
        return self._state.get(_BUFFER) if self._state else None

    async def preload(self, refs: Collection[ExternalRef]) -> None:
        """One query per (tenant, source) (an ``$in`` on the unique index: SecantusDB scans
        for an ``$or`` or an ``$in`` on the tenant) for what the batch will look up by
        external reference; from now on the batch's tickets are buffered."""
        buffer = self._start()
        for (tenant_id, source), group in groupby(sorted(refs), key=lambda r: r[:2]):
            wanted = sorted(r[2] for r in group)
            query = {"tenant_id": tenant_id, "source": source, "external_ref": {"$in": wanted}}
            found = {_ref(d): d async for d in self._tickets.find(query, session=self._session)}
            buffer.by_ref |= {(tenant_id, source, ref): None for ref in wanted} | found

    async def preload_contacts(self, tenant_id: str, contact_keys: Collection[str]) -> None:
        """Every ticket of these contacts of the tenant, for the repeat rule's lookups. No
        time range: SecantusDB scans the collection for an ``$in`` on the keys with one."""
        buffer = self._start()
        query = {"tenant_id": tenant_id, "contact_keys": {"$in": sorted(contact_keys)}}
        docs = await self._tickets.find(query, session=self._session).to_list()
        buffer.by_contact[tenant_id] = frozenset(contact_keys), docs

    def _start(self) -> TicketBuffer:
        buffer = self._buffer()
        if buffer is not None:
            return buffer
        assert self._state is not None, "bound by the unit of work"
        assert self._session is not None, "bound by the unit of work"
        buffer = TicketBuffer(self._tickets, self._session)
        return self._state.start(_BUFFER, buffer, buffer.write)

    async def get(self, ticket_id: str) -> Ticket | None:
        buffer = self._buffer()
        doc = buffer.by_id.get(ticket_id) if buffer else None
        if doc is None:
            doc = await self._tickets.find_one({"_id": ticket_id}, session=self._session)
        return _ticket(doc) if doc else None

    async def find_by_external_ref(
        self, tenant_id: str, source: str, external_ref: str
    ) -> Ticket | None:
        buffer = self._buffer()
        known, doc = buffer.known((tenant_id, source, external_ref)) if buffer else (False, None)
        if not known:
            query = {"tenant_id": tenant_id, "source": source, "external_ref": external_ref}
            doc = await self._tickets.find_one(query, session=self._session)
        return _ticket(doc) if doc else None

    async def add(self, ticket: Ticket) -> None:
        buffer, doc = self._buffer(), _document(ticket)
        if buffer is not None:
            if buffer.known(_ref(doc))[1] is not None:
                raise DuplicateSubmission(ticket.submission.external_ref)
            buffer.add(doc)
            return
        try:
            await self._tickets.insert_one(doc, session=self._session)
        except DuplicateKeyError as error:
            raise DuplicateSubmission(ticket.submission.external_ref) from error

    async def registered_since(
        self, tenant_id: str, contact_keys: list[str], since: datetime
    ) -> list[Ticket]:
        buffer = self._buffer()
        docs = buffer.of_contacts(tenant_id, contact_keys, since) if buffer else None
        if docs is not None:
            return [_ticket(d) for d in docs]
        query = {
            "tenant_id": tenant_id,
            "contact_keys": {"$in": contact_keys},
            "registered_at": {"$gte": since},
        }
        return await self._all(query)

    async def quarantined(self, tenant_id: str, contact_keys: list[str]) -> list[Ticket]:
        query = {
            "tenant_id": tenant_id,
            "contact_keys": {"$in": contact_keys},
            "status": TicketStatus.QUARANTINED.value,
        }
        return await self._all(query)

    async def _all(self, query: dict[str, Any]) -> list[Ticket]:
        buffer = self._buffer()
        if buffer is not None:
            await buffer.write()  # the server answers: it must hold the batch's tickets
        cursor = self._tickets.find(query, session=self._session).sort("registered_at", ASCENDING)
        return [_ticket(doc) async for doc in cursor]

    async def save_status(self, ticket: Ticket) -> None:
        await self._stop_buffering()
        update = {"$set": {"status": ticket.status.value}}
        await self._tickets.update_one({"_id": ticket.ticket_id}, update, session=self._session)

    async def mark_closed(self, ticket_id: str) -> None:
        await self._stop_buffering()
        update = {"$set": {"open": False}}
        await self._tickets.update_one({"_id": ticket_id}, update, session=self._session)

    async def _stop_buffering(self) -> None:
        """A change to a ticket makes what the batch read stale: write what it added and
        ask the server from now on."""
        buffer = self._buffer()
        if buffer is not None and self._state is not None:
            await buffer.write()
            self._state.drop(_BUFFER)


class MongoNumberCounters:
    """Counters incremented inside the registering transaction, so numbers have no gaps."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        session: AsyncClientSession,
        state: TransactionState | None = None,
    ) -> None:
        self._counters = db[COUNTERS]
        self._session = session
        self._state = state

    async def reserve(self, key: str, count: int) -> None:
        """Take ``count`` values of ``key`` in one increment (once per key and transaction);
        ``next`` hands them out, and what is left is given back before the commit."""
        if count < 1 or self._state is None:
            return
        reservations: dict[str, Reservation] | None = self._state.get(_RESERVATIONS)
        if reservations is None:
            reservations = self._state.start(_RESERVATIONS, {})
            self._state.before_commit(lambda: self._give_back(reservations))
        if key in reservations:
            raise RuntimeError(f"counter {key!r} is already reserved in this transaction")
        reservations[key] = Reservation.after_increment(await self._increment(key, count), count)

    async def next(self, key: str) -> int:
        reservations = self._state.get(_RESERVATIONS) if self._state else None
        reserved = reservations.get(key) if reservations else None
        value = reserved.take() if reserved else None
        return value if value is not None else await self._increment(key, 1)

    async def _increment(self, key: str, by: int) -> int:
        doc = await self._counters.find_one_and_update(
            {"_id": key},
            {"$inc": {"value": by}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self._session,
        )
        assert doc is not None, "an upsert returning the document after the update"
        return int(doc["value"])

    async def _give_back(self, reservations: dict[str, Reservation]) -> None:
        # The transaction holds the counter since it reserved: nobody took a value after
        # the tail, so lowering the counter by it leaves no gap.
        for key, reserved in reservations.items():
            if reserved.unused:
                update = {"$inc": {"value": -reserved.unused}}
                await self._counters.update_one({"_id": key}, update, session=self._session)
                reserved.last -= reserved.unused
