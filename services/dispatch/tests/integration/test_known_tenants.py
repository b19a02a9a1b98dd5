"""Dispatch's known tenants: learned from intake's tenant.provisioned, or from the tickets
it holds; configuration of any other tenant is refused and stores nothing."""

from services.dispatch.tests.integration.helpers import ADMIN, registered, work_order
from shared.testing.builders import tenant_provisioned
from shared.testing.kafka import publish_in_order
from shared.testing.tenants import until_known
from shared.testing.waiting import eventually


async def test_an_unknown_tenants_configuration_is_refused_until_intake_provisions_it(
    dispatch, settings, infra, mongo_client
):
    db = mongo_client[settings.mongo_db]
    path = "/admin/tenants/newcomer/groups/noc"

    refused = await dispatch.put(path, json={"name": "NOC"}, headers=ADMIN)
    not_yet = await dispatch.get("/known-tenants/newcomer")
    stored_before = await db.groups.count_documents({"tenant_id": "newcomer"})
    provisioning = tenant_provisioned("newcomer", "Newcomer Ltd")
    await publish_in_order(infra.kafka_bootstrap, settings.topics.intake_tenants, provisioning)
    await until_known(dispatch, "newcomer")
    accepted = await dispatch.put(path, json={"name": "NOC"}, headers=ADMIN)

    assert refused.status_code == 404
    assert "tenant newcomer is not provisioned" in refused.json()["detail"]["message"]
    assert not_yet.status_code == 404
    assert stored_before == 0
    assert accepted.status_code == 200, accepted.text
    known = await dispatch.get("/known-tenants/newcomer")
    assert known.json() == {"tenant_id": "newcomer", "name": "Newcomer Ltd"}


async def test_a_tenant_dispatch_holds_tickets_of_is_known_without_its_provisioning(
    dispatch, settings, infra
):
    await publish_in_order(
        infra.kafka_bootstrap, settings.topics.intake_events, registered("l-1", tenant="legacy")
    )
    await eventually(lambda: work_order(dispatch, "l-1"), bool)

    known = await dispatch.get("/known-tenants/legacy")
    configured = await dispatch.put(
        "/admin/tenants/legacy/routing-rules/all", json={"order": 1, "assignee": "li.wei"},
        headers=ADMIN,
    )  # fmt: skip

    assert known.json() == {"tenant_id": "legacy", "name": None}
    assert configured.status_code == 200, configured.text
