"""The sender loop: claim due deliveries, render and send each, record the outcome.

A claim is a lease: a sender that dies mid-attempt loses its deliveries when the lease runs
out and another (or the restarted one) tries them again — so a provider may see a message
twice after a crash, recognisable by its delivery id, but no pending delivery is lost.
Retries are persisted as the delivery's ``next_attempt_at``: a restart neither loses nor
repeats them early.
"""

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import uuid4

from services.notify.app.ports import (
    DeliveryQueue,
    NewUnitOfWork,
    NotifyUnitOfWork,
    Renderer,
    Senders,
)
from services.notify.domain.channels import Channel, Message, Posted, SendFailed, Sent
from services.notify.domain.deliveries import Delivery, RetryPolicy
from services.notify.domain.rendering import Kind, TemplateFailed
from services.notify.domain.rules import CRITICAL
from shared.clock import Clock
from shared.events.notify import NotificationPosted, NotificationPostedPayload
from shared.failures import log_round_failure
from shared.retry import retry_transient

log = logging.getLogger(__name__)
# A ticket event seen before the ticket's registration (they come on two topics): its
# notice waits this long for the number before it is sent without one.
REGISTRATION_GRACE = timedelta(seconds=60)
REGISTRATION_WAIT = timedelta(seconds=5)
PAUSED_WAIT = timedelta(minutes=5)
MAX_DIGEST = 20  # notices in one digest; more go out in the next


@dataclass(frozen=True)
class Postponed:
    until: datetime
    reason: str


Outcome = Sent | SendFailed | Postponed


@dataclass(frozen=True)
class SenderConfig:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    lease_s: float = 120.0
    batch_size: int = 50
    concurrency: int = 8
    poll_interval_s: float = 1.0


class DeliverySender:
    def __init__(
        self, new_uow: NewUnitOfWork, queue: DeliveryQueue, senders: Senders,
        renderer: Renderer, clock: Clock, owner: str, config: SenderConfig | None = None,
    ) -> None:  # fmt: skip
        self._new_uow, self._queue, self._senders = new_uow, queue, senders
        self._renderer, self._clock, self._owner = renderer, clock, owner
        self._config = config or SenderConfig()
        self._slots = asyncio.Semaphore(self._config.concurrency)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something became due now (a delivery was queued): look at once."""
        self._wake.set()

    async def send_due(self) -> int:
        """One round: how many deliveries were attempted."""
        now, config = self._clock.now(), self._config
        claim = f"{self._owner}/{uuid4().hex}"
        lease_until = now + timedelta(seconds=config.lease_s)
        claimed = await self._queue.claim(claim, now, lease_until, config.batch_size)
        results = await asyncio.gather(
            *(self._attempt(lead, claim, lease_until, rest) for lead, *rest in _by_digest(claimed)),
            return_exceptions=True,
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            # The others are recorded; these stay claimed and are due again after the lease.
            raise failures[0]
        return len(claimed)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                done = await self.send_due()
            except Exception as error:  # noqa: BLE001 - logged; the lease brings them back
                log_round_failure(log, "notification round", error)
                done = 0
            if done < self._config.batch_size:
                await self._idle(stop)

    async def _idle(self, stop: asyncio.Event) -> None:
        self._wake.clear()
        waiting = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait(waiting, timeout=self._config.poll_interval_s,
                               return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        for task in waiting:
            task.cancel()

    async def _attempt(
        self, delivery_id: str, claim: str, lease_until: datetime, same_round: list[str]
    ) -> None:
        """One message: the delivery's own, or the digest of it and ``same_round`` (its
        digest siblings claimed in this round) with any sibling not yet due."""
        async with self._slots:
            async with self._new_uow() as uow:
                delivery = await uow.deliveries.get(delivery_id)
                if delivery is None or delivery.claim != claim:
                    return
                if not delivery.digest:
                    prepared = await self._prepare(uow, delivery)
            siblings: list[Delivery] = []
            if delivery.digest:
                claim, siblings, prepared = await self._hold_digest(
                    delivery, claim, lease_until, same_round
                )
            outcome = await self._send(prepared) if isinstance(prepared, Message) else prepared
            await retry_transient(lambda: self._record(delivery_id, claim, outcome))
            note = f"in digest {delivery_id}"
            for sibling in siblings:
                await retry_transient(
                    partial(self._record, sibling.delivery_id, claim, outcome, note)
                )

    async def _hold_digest(
        self, delivery: Delivery, claim: str, lease_until: datetime, same_round: list[str]
    ) -> tuple[str, list[Delivery], Message | Outcome]:
        """Hold the delivery and its siblings for this attempt alone: those of the round,
        and the recipient's other pending notices of the ticket on this channel that are
        not due yet (the tenant's digest window holds them).

        The claims are made before the transaction that reads them, which would not see
        them in its snapshot otherwise."""
        attempt = f"{claim}/{delivery.delivery_id}"
        held = [i for i in [delivery.delivery_id, *same_round]
                if await self._queue.take(i, claim, attempt)]  # fmt: skip
        assert delivery.digest_key is not None
        room = MAX_DIGEST - len(held)
        held += await self._queue.claim_digest(delivery.digest_key, attempt, lease_until, room)
        async with self._new_uow() as uow:
            found = [await uow.deliveries.get(i) for i in held]
            mine = [d for d in found if d is not None and d.claim == attempt]
        lead = next((d for d in mine if d.delivery_id == delivery.delivery_id), None)
        if lead is None:
            return attempt, [], Postponed(lease_until, "taken by another sender")
        siblings = [d for d in mine if d is not lead]
        async with self._new_uow() as uow:
            prepared = await (
                self._digest(uow, [lead, *siblings]) if siblings else self._prepare(uow, lead)
            )  # fmt: skip
        return attempt, siblings, prepared

    async def _digest(self, uow: NotifyUnitOfWork, members: list[Delivery]) -> Message | Outcome:
        lead = members[0]
        if lead.channel not in self._senders:
            return SendFailed(f"no {lead.channel.value} provider is configured", permanent=True)
        lines, ticket = [], {}
        for d in sorted(members, key=lambda m: m.created_at):
            ctx = await self._context(uow, d)
            if not isinstance(ctx, dict):
                return ctx
            line = await self._rendered(uow, d, ctx, Channel.SMS)
            if not isinstance(line, Message):
                return line
            lines.append(line.body)
            ticket = ctx["ticket"]
        try:
            text = self._renderer.render_digest(
                lead.channel, lead.language, ticket, lines, lead.context.get("recipient", {})
            )
        except TemplateFailed as error:
            return SendFailed(f"template: {error}", permanent=True)
        return Message(lead.delivery_id, lead.channel, lead.address or "", text.body,
                       lead.tenant_id, lead.ticket_id, subject=text.subject)  # fmt: skip

    async def _send(self, message: Message) -> Sent | SendFailed:
        try:
            return await self._senders[message.channel].send(message)
        except SendFailed as failed:
            return failed

    async def _prepare(self, uow: NotifyUnitOfWork, d: Delivery) -> Message | Outcome:
        if d.channel is Channel.WEBHOOK:
            return await self._webhook(uow, d)
        if d.channel not in self._senders:
            return SendFailed(f"no {d.channel.value} provider is configured", permanent=True)
        ctx = await self._context(uow, d)
        return await self._rendered(uow, d, ctx) if isinstance(ctx, dict) else ctx

    async def _context(self, uow: NotifyUnitOfWork, d: Delivery) -> dict[str, Any] | Postponed:
        """The planned context with the ticket's number, which may have come later."""
        ctx = dict(d.context)
        ticket = dict(ctx["ticket"])
        if ticket.get("number") is None:
            known = await uow.tickets.get(d.ticket_id)
            ticket["number"] = known.get("number") if known else None
            ticket["subject"] = ticket.get("subject") or (known.get("subject") if known else None)
        now = self._clock.now()
        if ticket["number"] is None and now - d.created_at < REGISTRATION_GRACE:
            return Postponed(now + REGISTRATION_WAIT, "waiting for the ticket's registration")
        ticket["number"] = ticket["number"] or d.ticket_id
        return ctx | {"ticket": ticket}

    async def _rendered(
        self, uow: NotifyUnitOfWork, d: Delivery, ctx: dict[str, Any],
        channel: Channel | None = None,
    ) -> Message | Outcome:  # fmt: skip
        kind, channel = Kind(d.kind), channel or d.channel.template_channel
        override = await uow.templates.get(d.tenant_id, kind, channel, d.language)
        try:
            text = self._renderer.render(kind, channel, d.language, ctx, override)
        except TemplateFailed as error:
            return SendFailed(f"template: {error}", permanent=True)
        return Message(d.delivery_id, d.channel, d.address or "", text.body, d.tenant_id,
                       d.ticket_id, subject=text.subject)  # fmt: skip

    async def _webhook(self, uow: NotifyUnitOfWork, d: Delivery) -> Message | Outcome:
        sub = await uow.subscriptions.get(d.subscription_id or "")
        if sub is None:
            return SendFailed("the subscription was deleted", permanent=True)
        if sub.paused:
            return Postponed(self._clock.now() + PAUSED_WAIT, "the subscription is paused")
        body = json.dumps(d.context["event"], ensure_ascii=False, separators=(",", ":"))
        return Message(d.delivery_id, Channel.WEBHOOK, sub.url, body, d.tenant_id, d.ticket_id,
                       signing_key_id=sub.key_id, signing_secret=sub.secret)  # fmt: skip

    async def _record(
        self, delivery_id: str, claim: str, outcome: Outcome, note: str | None = None
    ) -> None:
        async with self._new_uow() as uow:
            delivery = await uow.deliveries.get(delivery_id)
            if delivery is None or delivery.claim != claim:
                return  # the lease ran out and another attempt owns it now
            now = uow.now()
            if isinstance(outcome, Postponed):
                delivery.postpone(outcome.until, outcome.reason)
            elif isinstance(outcome, Sent):
                delivery.succeeded(outcome, now, note)
            else:
                delivery.failed(outcome, now, self._config.retry)
            await self._judge_subscription(uow, delivery, outcome)
            await uow.deliveries.save(delivery)
            uow.publish(*delivery.events)
            if isinstance(outcome, Posted):
                uow.publish(_posted(delivery, outcome, now))
            await uow.commit()

    async def _judge_subscription(
        self, uow: NotifyUnitOfWork, delivery: Delivery, outcome: Outcome
    ) -> None:
        if delivery.subscription_id is None or isinstance(outcome, Postponed):
            return
        sub = await uow.subscriptions.get(delivery.subscription_id)
        if sub is None:
            return
        if isinstance(outcome, Sent):
            sub.delivered()
        else:
            sub.failed(outcome.reason)
        await uow.subscriptions.save(sub)


def _by_digest(claimed: list[tuple[str, str | None]]) -> list[list[str]]:
    """The round's deliveries, those of one digest together (oldest claimed first)."""
    groups: dict[str, list[str]] = {}
    for delivery_id, key in claimed:
        groups.setdefault(key or delivery_id, []).append(delivery_id)
    return list(groups.values())


def _posted(delivery: Delivery, posted: Posted, now: datetime) -> NotificationPosted:
    assert delivery.address is not None
    payload = NotificationPostedPayload(
        delivery_id=delivery.delivery_id, recipient=delivery.address, kind=delivery.kind,
        critical=Kind(delivery.kind) in CRITICAL, subject=posted.subject, text=posted.text,
    )  # fmt: skip
    return NotificationPosted(occurred_at=now, tenant_id=delivery.tenant_id,
                              ticket_id=delivery.ticket_id, payload=payload)  # fmt: skip
