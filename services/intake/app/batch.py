"""A batch of registrations, prepared inside its shared transaction before they run.

What each registration will look up (its external reference, its tenant, its contact in
the directory, the contact's recent tickets for the repeat rule) is read in a few queries
first, and each number counter is incremented once by as many tickets as the batch will
probably register. The registrations then run one by one, exactly as alone, and find the
answers already there; the tickets they add are written together at the commit, and the
counter values they did not use are given back then, so numbers stay gap-free.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from services.intake.app.handlers import Numbering
from services.intake.app.ports import IntakeUnitOfWork, NewUnitOfWork
from services.intake.domain.config import TenantConfig
from services.intake.domain.contacts import keys_of
from services.intake.domain.ticket import ExternalRef, reference
from shared.events.submissions import Submission

# A submission the batch will probably register, with the configuration that applies.
Fresh = tuple[Submission, TenantConfig]


async def prepare_registrations(
    submissions: Sequence[Submission], new_uow: NewUnitOfWork, numbering: Numbering
) -> None:
    """Read and reserve, in the batch's transaction, what its registrations will need."""
    if not submissions:
        return
    async with new_uow() as uow:
        await uow.tenants.preload({s.tenant_id for s in submissions})
        await uow.tickets.preload({reference(s) for s in submissions})
        fresh = await _fresh(uow, submissions, numbering.defaults)
        for tenant_id, keys in contacts_by_tenant(fresh, lambda s, c: True).items():
            await uow.customers.preload(tenant_id, keys)
        for tenant_id, keys in contacts_by_tenant(fresh, _repeat_rule_applies).items():
            await uow.tickets.preload_contacts(tenant_id, keys)
        for key, count in sorted(counter_demand(fresh, uow.now(), numbering.zone).items()):
            await uow.counters.reserve(key, count)
        await uow.commit()


async def _fresh(
    uow: IntakeUnitOfWork, submissions: Iterable[Submission], defaults: TenantConfig
) -> list[Fresh]:
    """The first submission of each external reference not registered yet, of a known
    tenant (answered from what was just read)."""
    seen: set[ExternalRef] = set()
    fresh: list[Fresh] = []
    for s in submissions:
        tenant, ref = await uow.tenants.get(s.tenant_id), reference(s)
        if tenant is None or ref in seen:
            continue
        seen.add(ref)
        if await uow.tickets.find_by_external_ref(*ref) is None:
            fresh.append((s, tenant.config or defaults))
    return fresh


def _repeat_rule_applies(s: Submission, config: TenantConfig) -> bool:
    rule = config.repeat_rule
    return s.type in rule.types and bool(rule.window)


def contacts_by_tenant(
    fresh: Iterable[Fresh], which: Callable[[Submission, TenantConfig], bool]
) -> dict[str, set[str]]:
    """The contact keys of ``which`` submissions, per tenant (none for a tenant without)."""
    keys: defaultdict[str, set[str]] = defaultdict(set)
    for s, config in fresh:
        if which(s, config) and keys_of(s.contact):
            keys[s.tenant_id].update(keys_of(s.contact))
    return dict(keys)


def counter_demand(fresh: Iterable[Fresh], now: datetime, zone: ZoneInfo) -> Counter[str]:
    """How many numbers each counter will give, were the batch registered ``now``. A ticket
    registered in another period (midnight passed) draws from its own counter as usual."""
    return Counter(
        config.mask.counter_key(s.tenant_id, s.type, now.astimezone(config.zone(zone)))
        for s, config in fresh
    )
