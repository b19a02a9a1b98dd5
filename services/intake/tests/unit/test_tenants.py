import pytest

from services.intake.app import tenants
from services.intake.app.tenants import ProvisionTenant
from services.intake.domain.config import TenantConfig
from services.intake.tests.unit.fakes import FakeUnitOfWork
from shared.errors import NotFound
from shared.events.intake import TenantProvisioned

DEFAULTS = TenantConfig()


async def test_a_provisioned_tenant_is_listed_and_follows_the_defaults():
    uow = FakeUnitOfWork()
    result = await tenants.provision_tenant(ProvisionTenant("zeta", "Zeta Telecom"), uow)
    assert (result.created, result.tenant.name, result.tenant.config) == (
        True,
        "Zeta Telecom",
        None,
    )
    assert await tenants.config_of("zeta", uow, DEFAULTS) == DEFAULTS
    listed = await tenants.list_tenants(None, 10, uow)
    assert [t.tenant_id for t in listed] == ["acme", "zeta"]
    assert [t.tenant_id for t in await tenants.list_tenants("acme", 10, uow)] == ["zeta"]


async def test_provisioning_again_renames_and_keeps_the_configuration():
    uow = FakeUnitOfWork()
    config = TenantConfig(quarantine_unknown_contacts=True)
    await tenants.configure_tenant("acme", config, uow)
    again = await tenants.provision_tenant(ProvisionTenant("acme", "ACME Post"), uow)
    assert (again.created, again.tenant.name) == (False, "ACME Post")
    assert await tenants.config_of("acme", uow, DEFAULTS) == config


async def test_every_provisioning_is_announced_with_the_registry_write():
    uow = FakeUnitOfWork()
    await tenants.provision_tenant(ProvisionTenant("zeta", "Zeta Telecom"), uow)
    await tenants.provision_tenant(ProvisionTenant("zeta", "Zeta Post"), uow)

    announced = [e for e in uow.published if isinstance(e, TenantProvisioned)]
    assert [(e.tenant_id, e.payload.name, e.key) for e in announced] == [
        ("zeta", "Zeta Telecom", b"zeta"),
        ("zeta", "Zeta Post", b"zeta"),
    ]
    assert uow.commits == 2  # each one committed with its registry write


async def test_an_unknown_tenant_cannot_be_configured_or_read():
    uow = FakeUnitOfWork()
    with pytest.raises(NotFound):
        await tenants.configure_tenant("ghost", TenantConfig(), uow)
    with pytest.raises(NotFound):
        await tenants.config_of("ghost", uow, DEFAULTS)
    assert "ghost" not in uow.tenants.rows
    assert uow.published == []
