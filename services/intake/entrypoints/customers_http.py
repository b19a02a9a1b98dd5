"""Admin API of the customer directory: contacts, accounts, bulk import, verification."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from services.intake.app import customers
from services.intake.domain.contacts import Account
from services.intake.entrypoints.actors import actor
from services.intake.entrypoints.customer_schemas import (
    AccountBody,
    AccountView,
    ContactFields,
    ContactIn,
    CustomerView,
    ImportedView,
    ImportIn,
    ReleasedView,
    TenantId,
    customer_view,
)
from services.intake.entrypoints.deps import context
from shared.events import Actor

router = APIRouter(tags=["customers"])
NO_CONTENT = status.HTTP_204_NO_CONTENT


@router.post("/customers", status_code=status.HTTP_201_CREATED, response_model=CustomerView)
async def create_customer(
    body: ContactIn, request: Request, by: Annotated[Actor, Depends(actor)]
) -> CustomerView:
    """A contact created as ``verified`` releases its quarantined tickets at once."""
    customer = await customers.create_customer(body.data(), context(request).new_uow, by)
    return customer_view(customer)


@router.get("/tenants/{tenant_id}/customers", response_model=list[CustomerView])
async def list_customers(
    tenant_id: str,
    request: Request,
    after: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CustomerView]:
    """One page in ``customer_id`` order; pass the last id as ``after`` for the next."""
    found = await customers.list_customers(tenant_id, after, limit, context(request).new_uow)
    return [customer_view(c) for c in found]


@router.get("/customers/{customer_id}", response_model=CustomerView)
async def get_customer(customer_id: str, request: Request) -> CustomerView:
    return customer_view(await customers.get_customer(customer_id, context(request).new_uow))


@router.put("/customers/{customer_id}", response_model=CustomerView)
async def update_customer(
    customer_id: str, body: ContactIn, request: Request, by: Annotated[Actor, Depends(actor)]
) -> CustomerView:
    ctx = context(request)
    updated = await customers.update_customer(customer_id, body.data(), ctx.new_uow, by)
    return customer_view(updated)


@router.delete("/customers/{customer_id}", status_code=NO_CONTENT, response_class=Response)
async def delete_customer(customer_id: str, request: Request) -> None:
    await customers.delete_customer(customer_id, context(request).new_uow)


@router.post("/customers/{customer_id}/verify", response_model=ReleasedView)
async def verify_customer(
    customer_id: str, request: Request, by: Annotated[Actor, Depends(actor)]
) -> ReleasedView:
    """Verify the customer and release every quarantined ticket of theirs."""
    released = await customers.verify_customer(customer_id, by, context(request).new_uow)
    return ReleasedView(customer_id=customer_id, released=released)


@router.post("/tenants/{tenant_id}/contacts/vouch", response_model=ReleasedView)
async def vouch_for_contact(
    tenant_id: TenantId, body: ContactFields, request: Request,
    by: Annotated[Actor, Depends(actor)],
) -> ReleasedView:  # fmt: skip
    """Verify the directory entry that recognises this contact (by id, phone or e-mail),
    or record it verified, and release every quarantined ticket of it."""
    data = body.data(tenant_id)
    found, released = await customers.vouch_for_contact(data, by, context(request).new_uow)
    return ReleasedView(customer_id=found, released=released)


@router.post("/customers/import", response_model=ImportedView)
async def import_directory(
    body: ImportIn, request: Request, by: Annotated[Actor, Depends(actor)]
) -> ImportedView:
    contacts = [c.data(body.tenant_id) for c in body.contacts]
    cmd = customers.ImportDirectory(body.tenant_id, body.accounts_of(), contacts)
    result = await customers.import_directory(cmd, context(request).new_uow, by)
    return ImportedView.model_validate(result, from_attributes=True)


@router.put("/tenants/{tenant_id}/accounts/{account_id}", response_model=AccountView)
async def put_account(
    tenant_id: str, account_id: str, body: AccountBody, request: Request
) -> AccountView:
    account = Account(tenant_id, account_id, body.name)
    await customers.put_account(account, context(request).new_uow)
    return AccountView(tenant_id=tenant_id, account_id=account_id, name=body.name)


@router.get("/tenants/{tenant_id}/accounts/{account_id}", response_model=AccountView)
async def get_account(tenant_id: str, account_id: str, request: Request) -> AccountView:
    account = await customers.get_account(tenant_id, account_id, context(request).new_uow)
    return AccountView.model_validate(account, from_attributes=True)


@router.delete(
    "/tenants/{tenant_id}/accounts/{account_id}", status_code=NO_CONTENT, response_class=Response
)
async def delete_account(tenant_id: str, account_id: str, request: Request) -> None:
    await customers.delete_account(tenant_id, account_id, context(request).new_uow)
