import pytest

from services.intake.app import customers
from services.intake.app.customers import ImportDirectory
from services.intake.app.ports import DuplicateCustomer
from services.intake.domain.contacts import Account, ContactData
from services.intake.tests.unit.fakes import FakeUnitOfWork
from shared.errors import NotFound
from shared.events import SYSTEM_ACTOR


async def test_a_contact_is_created_read_updated_and_deleted():
    uow = FakeUnitOfWork()
    created = await customers.create_customer(ContactData("acme", contact_id="c-1", name="Li"), uow)
    assert (await customers.get_customer(created.customer_id, uow)).name == "Li"
    data = ContactData("acme", contact_id="c-1", name="Li Wei", account_id="acct-1")
    updated = await customers.update_customer(created.customer_id, data, uow)
    assert (updated.name, updated.account_id) == ("Li Wei", "acct-1")
    await customers.delete_customer(created.customer_id, uow)
    with pytest.raises(NotFound):
        await customers.get_customer(created.customer_id, uow)


async def test_an_update_never_unverifies():
    uow = FakeUnitOfWork()
    created = await customers.create_customer(ContactData("acme", phone="+8610000"), uow)
    await customers.verify_customer(created.customer_id, SYSTEM_ACTOR, uow)
    updated = await customers.update_customer(
        created.customer_id, ContactData("acme", phone="+8610000"), uow
    )
    assert updated.verified


async def test_a_taken_contact_id_is_a_conflict():
    uow = FakeUnitOfWork()
    await customers.create_customer(ContactData("acme", contact_id="c-1"), uow)
    with pytest.raises(DuplicateCustomer) as info:
        await customers.create_customer(ContactData("acme", contact_id="c-1"), uow)
    assert info.value.status_code == 409


async def test_unknown_customers_and_accounts_are_404():
    uow = FakeUnitOfWork()
    with pytest.raises(NotFound):
        await customers.verify_customer("nobody", SYSTEM_ACTOR, uow)
    with pytest.raises(NotFound):
        await customers.delete_customer("nobody", uow)
    with pytest.raises(NotFound):
        await customers.get_account("acme", "nope", uow)


async def test_a_bulk_import_upserts_accounts_and_matches_known_contacts():
    uow = FakeUnitOfWork()
    known = await customers.create_customer(ContactData("acme", phone="+8610000"), uow)
    cmd = ImportDirectory(
        "acme",
        accounts=[Account("acme", "acct-1", "Acme Ltd"), Account("acme", "acct-2", "Beta")],
        contacts=[
            ContactData("acme", phone="+86 10000", name="Known", account_id="acct-1"),
            ContactData("acme", email="new@acme.cn", account_id="acct-2"),
        ],
    )
    result = await customers.import_directory(cmd, uow)
    assert (result.accounts, result.contacts_created, result.contacts_updated) == (2, 1, 1)
    assert (await customers.get_customer(known.customer_id, uow)).name == "Known"
    assert (await customers.get_account("acme", "acct-2", uow)).name == "Beta"
    await customers.delete_account("acme", "acct-2", uow)
    with pytest.raises(NotFound):
        await customers.get_account("acme", "acct-2", uow)
