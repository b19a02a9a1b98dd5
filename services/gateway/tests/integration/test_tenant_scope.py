"""Two tenants' tickets in one gateway: a caller sees and touches only their own tenant's,
on every path; a caller without a valid token gets nothing at all."""

from functools import partial

import pytest

from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.events import TicketAssigned, TicketAssignedPayload
from shared.testing.apps import running
from shared.testing.builders import ticket_registered
from shared.testing.kafka import publish_in_order
from shared.testing.waiting import eventually

pytestmark = pytest.mark.integration


def assigned(ticket_id: str, tenant: str) -> TicketAssigned:
    reg = ticket_registered(ticket_id, tenant_id=tenant)
    return TicketAssigned(
        occurred_at=reg.occurred_at, producer="dispatch", tenant_id=tenant, ticket_id=ticket_id,
        payload=TicketAssignedPayload(assignee="li.wei", group="noc", reason="rule"),
    )  # fmt: skip


@pytest.fixture
async def gateway(service_settings, infra, issuer, mongo_client, namespace):
    # Nothing listens on the services' URLs: a request that got past the scope would be 503.
    settings = service_settings(
        GatewaySettings, oidc_issuer=issuer.url,
        intake_url="http://127.0.0.1:9", dispatch_url="http://127.0.0.1:9",
    )  # fmt: skip
    acme, globex = f"{namespace}-acme", f"{namespace}-globex"
    events = [ticket_registered("a-1", tenant_id=acme), assigned("a-1", acme),
              ticket_registered("g-1", tenant_id=globex), assigned("g-1", globex)]  # fmt: skip
    async with running(create_app(settings)) as client:
        topics = settings.topics
        await publish_in_order(infra.kafka_bootstrap, topics.intake_events, *events[::2])
        await publish_in_order(infra.kafka_bootstrap, topics.dispatch_events, *events[1::2])
        admin = issuer.headers(None, ["platform_admin"])
        for tenant in (acme, globex):
            in_tenant = admin | {"X-Tenant-Id": tenant}
            await eventually(
                partial(client.get, "/tickets", headers=in_tenant),
                lambda r: [v.get("status") for v in r.json()["items"]] == ["assigned"],
            )
        yield client, acme, globex
    await mongo_client.drop_database(settings.mongo_db)


async def test_a_tenants_caller_never_sees_the_other_tenant(gateway, issuer):
    client, acme, globex = gateway
    me = issuer.headers(acme, ["supervisor"])
    engineer = issuer.headers(acme, ["field_engineer"], username="li.wei")

    own = await client.get("/tickets/a-1", headers=me)
    other = await client.get("/tickets/g-1", headers=me)
    listed = await client.get("/tickets", headers=me)
    named_other = await client.get("/tickets", headers=me | {"X-Tenant-Id": globex})
    jobs = await client.get("/field/jobs", headers=engineer)
    history = await client.get("/tickets/g-1/history", headers=me)
    command = await client.post("/tickets/g-1/urge", headers=me, json={"note": "hurry"})
    upload = await client.post("/tickets/g-1/attachments", headers=me, files={"file": b"x"})
    watch = await client.put("/tickets/g-1/watchers/me", headers=me)

    assert own.status_code == 200
    assert own.json()["tenant_id"] == acme
    assert other.status_code == 404
    assert other.json() == {"detail": {"message": "ticket g-1 not found"}}
    assert [t["ticket_id"] for t in listed.json()["items"]] == ["a-1"]
    assert named_other.status_code == 404
    assert [t["ticket_id"] for t in jobs.json()] == ["a-1"]
    # Refused before anything was sent on: nothing listens where it would have gone.
    assert [r.status_code for r in (history, command, upload, watch)] == [404] * 4


async def test_registering_in_another_tenant_is_refused_before_it_reaches_intake(gateway, issuer):
    client, acme, globex = gateway
    agent = issuer.headers(acme, ["agent"])

    refused = await client.post("/tickets", headers=agent, json={"tenant_id": globex})
    not_json = await client.post(
        "/tickets",
        headers=agent,
        content=b"{",
    )
    requester = issuer.headers(acme, ["requester"], username="ivan")
    requester_list = await client.get("/tickets", headers=requester)
    requester_reads = await client.get("/tickets/a-1", headers=requester)
    requester_cancels = await client.post("/tickets/a-1/cancel", headers=requester, json={})
    requester_report = await client.get(
        "/reports/tickets", headers=requester,
        params={"by": "day", "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"},
    )  # fmt: skip

    assert refused.status_code == 404
    assert not_json.status_code == 422
    assert not_json.json()["detail"][0]["field"] == "body"
    # A requester lists and reads only what they submitted (a-1 came from upstream).
    assert requester_list.json()["items"] == []
    assert requester_reads.status_code == 404
    assert requester_cancels.status_code == 404  # refused before it reaches dispatch
    assert requester_report.status_code == 403
    assert "supervisor" in requester_report.json()["detail"]["allowed_roles"]


async def test_a_platform_admin_acts_in_the_tenant_it_names(gateway, issuer):
    client, acme, globex = gateway
    admin = issuer.headers(None, ["platform_admin"])

    unnamed = await client.get("/tickets", headers=admin)
    named = await client.get("/tickets", headers=admin | {"X-Tenant-Id": globex})
    by_id = await client.get("/tickets/a-1", headers=admin)

    assert unnamed.status_code == 422
    assert unnamed.json()["detail"][0]["field"] == "tenant_id"
    assert [t["ticket_id"] for t in named.json()["items"]] == ["g-1"]
    assert by_id.json()["tenant_id"] == acme


async def test_no_valid_token_no_answer(gateway, issuer):
    client, acme, _ = gateway

    missing = await client.get("/tickets/a-1")
    expired = await client.get(
        "/tickets/a-1", headers=issuer.headers(acme, ["supervisor"], lifetime_s=-120)
    )
    basic = await client.get("/tickets/a-1", headers={"Authorization": "Basic YTpi"})
    me = await client.get("/me", headers=issuer.headers(acme, ["agent", "group_lead"]))

    assert [missing.status_code, expired.status_code, basic.status_code] == [401, 401, 401]
    assert missing.headers["WWW-Authenticate"].startswith('Bearer realm="ticketflow"')
    assert "expired" in expired.headers["WWW-Authenticate"]
    assert me.json() | {"subject": None} == {
        "subject": None, "username": "li.wei", "tenant_id": acme,
        "roles": ["agent", "group_lead"], "acting_role": "group_lead",
        "groups": [], "regions": [],
    }  # fmt: skip
