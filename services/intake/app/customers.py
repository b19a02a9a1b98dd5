"""The customer directory: contacts and accounts per tenant, and releasing quarantine."""

from dataclasses import dataclass
from uuid import uuid4

from services.intake.app.ports import IntakeUnitOfWork, NewUnitOfWork
from services.intake.app.tenants import require_tenant
from services.intake.domain.contacts import Account, ContactData, Customer
from shared.errors import InvalidFields, NotFound
from shared.events import SYSTEM_ACTOR, Actor
from shared.retry import retry_transient


@dataclass(frozen=True)
class ImportDirectory:
    tenant_id: str
    accounts: list[Account]
    contacts: list[ContactData]


@dataclass(frozen=True)
class Imported:
    accounts: int
    contacts_created: int
    contacts_updated: int


async def create_customer(
    data: ContactData, new_uow: NewUnitOfWork, actor: Actor = SYSTEM_ACTOR
) -> Customer:
    customer = data.as_customer(uuid4().hex)
    async with new_uow() as uow:
        await require_tenant(uow, data.tenant_id)
        await _save(uow, customer, actor)
        await uow.commit()
    return customer


async def get_customer(customer_id: str, new_uow: NewUnitOfWork) -> Customer:
    async with new_uow() as uow:
        return await _existing(uow, customer_id)


async def list_customers(
    tenant_id: str, after: str | None, limit: int, new_uow: NewUnitOfWork
) -> list[Customer]:
    async with new_uow() as uow:
        return await uow.customers.of_tenant(tenant_id, after, limit)


async def update_customer(
    customer_id: str, data: ContactData, new_uow: NewUnitOfWork, actor: Actor = SYSTEM_ACTOR
) -> Customer:
    async with new_uow() as uow:
        current = await _existing(uow, customer_id)
        if data.tenant_id != current.tenant_id:
            reason = f"customer {customer_id} belongs to tenant {current.tenant_id!r}"
            raise InvalidFields({"tenant_id": reason})
        customer = data.as_customer(customer_id)
        customer.verified = customer.verified or current.verified
        await _save(uow, customer, actor)
        await uow.commit()
    return customer


async def delete_customer(customer_id: str, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if not await uow.customers.delete(customer_id):
            raise NotFound(f"customer {customer_id} not found")
        await uow.commit()


async def import_directory(
    cmd: ImportDirectory, new_uow: NewUnitOfWork, actor: Actor = SYSTEM_ACTOR
) -> Imported:
    """Upsert accounts by id and contacts by any identity they share with a known one."""
    created = 0
    async with new_uow() as uow:
        await require_tenant(uow, cmd.tenant_id)
        for account in cmd.accounts:
            await uow.customers.save_account(account)
        for data in cmd.contacts:
            known = await uow.customers.find(cmd.tenant_id, data.as_customer("new").keys)
            customer = data.as_customer(known.customer_id if known else uuid4().hex)
            await _save(uow, customer, actor)
            created += known is None
        await uow.commit()
    return Imported(len(cmd.accounts), created, len(cmd.contacts) - created)


async def verify_customer(customer_id: str, actor: Actor, new_uow: NewUnitOfWork) -> list[str]:
    """Mark the customer verified and release every quarantined ticket of theirs."""

    async def verify() -> list[str]:
        async with new_uow() as uow:
            customer = await _existing(uow, customer_id)
            released = await _verify(uow, customer, actor)
            await uow.commit()
        return released

    return await retry_transient(verify)


async def customer_verified_upstream(
    data: ContactData, actor: Actor, new_uow: NewUnitOfWork
) -> list[str]:
    """An upstream CRM verified a contact: record it (matching a known one) and release."""

    async def verify() -> list[str]:
        async with new_uow() as uow:
            await require_tenant(uow, data.tenant_id)
            known = await uow.customers.find(data.tenant_id, data.as_customer("new").keys)
            customer = data.as_customer(known.customer_id if known else uuid4().hex)
            released = await _verify(uow, customer, actor)
            await uow.commit()
        return released

    return await retry_transient(verify)


async def vouch_for_contact(
    data: ContactData, actor: Actor, new_uow: NewUnitOfWork
) -> tuple[str, list[str]]:
    """Someone at the desk vouches for a quarantined ticket's contact (隔离放行): the entry
    that recognises the contact is verified as it stands — the ticket's partial contact
    must not overwrite what the directory knows — or a new verified one is made; every
    quarantined ticket of it is released. The customer's id and the released tickets."""

    async def vouch() -> tuple[str, list[str]]:
        async with new_uow() as uow:
            await require_tenant(uow, data.tenant_id)
            known = await uow.customers.find(data.tenant_id, data.as_customer("new").keys)
            customer = known or data.as_customer(uuid4().hex)
            released = await _verify(uow, customer, actor)
            await uow.commit()
        return customer.customer_id, released

    return await retry_transient(vouch)


async def _save(uow: IntakeUnitOfWork, customer: Customer, actor: Actor) -> None:
    """A customer saved as verified is verified: its quarantined tickets are released."""
    if customer.verified:
        await _verify(uow, customer, actor)
    else:
        await uow.customers.save(customer)


async def _verify(uow: IntakeUnitOfWork, customer: Customer, actor: Actor) -> list[str]:
    customer.verified = True
    await uow.customers.save(customer)
    held = await uow.tickets.quarantined(customer.tenant_id, customer.keys)
    for ticket in held:
        ticket.release(customer.customer_id, uow.now(), actor)
        await uow.tickets.save_status(ticket)
        uow.publish(*ticket.events)
    return [t.ticket_id for t in held]


async def _existing(uow: IntakeUnitOfWork, customer_id: str) -> Customer:
    customer = await uow.customers.get(customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


async def put_account(account: Account, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        await require_tenant(uow, account.tenant_id)
        await uow.customers.save_account(account)
        await uow.commit()


async def get_account(tenant_id: str, account_id: str, new_uow: NewUnitOfWork) -> Account:
    async with new_uow() as uow:
        account = await uow.customers.get_account(tenant_id, account_id)
    if account is None:
        raise NotFound(f"account {account_id} not found")
    return account


async def delete_account(tenant_id: str, account_id: str, new_uow: NewUnitOfWork) -> None:
    async with new_uow() as uow:
        if not await uow.customers.delete_account(tenant_id, account_id):
            raise NotFound(f"account {account_id} not found")
        await uow.commit()
