"""The gateway as the one door people use: real Keycloak sign-in, then a ticket's whole
life through the gateway with the actor taken from the token, never from the client."""

import base64
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import uuid4

import httpx
import pytest

from deploy.local.infra import Endpoints
from deploy.local.keycloak import KeycloakConfig
from deploy.local.sign_in import sign_in
from services.gateway.bootstrap import create_app
from services.gateway.settings import GatewaySettings
from shared.events import Topics
from shared.testing.apps import running
from shared.testing.recorder import TopicRecorder
from shared.testing.tenants import provision_tenant
from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission
from tests.support.stack import knowing_tenants

# A 1×1 PNG, as the field app's camera would send a (much larger) one.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# The demo realm's tenants (deploy/local/keycloak/realm-ticketflow.json).
DEMO, POSTAL = "demo", "demo-postal"


@pytest.fixture
async def keycloak_gateway(
    stack: dict[str, str], stack_namespace: str, infra: Endpoints, keycloak: KeycloakConfig
) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway that trusts the real Keycloak, in front of the stack's services."""
    settings = GatewaySettings(
        kafka_bootstrap_servers=infra.kafka_bootstrap, mongo_url=infra.mongo_url,
        topic_namespace=stack_namespace, mongo_db=f"{stack_namespace}_gateway",
        oidc_issuer=keycloak.issuer, intake_url=stack["intake"], dispatch_url=stack["dispatch"],
        qc_url=stack["qc"],
    )  # fmt: skip
    for tenant in (DEMO, POSTAL):
        await provision_tenant(stack["intake"], tenant, known_by=knowing_tenants(stack))
    await list_staff(stack["dispatch"], DEMO, "li.wei", "zhang.min")
    async with running(create_app(settings)) as client:
        yield client


async def list_staff(dispatch_url: str, tenant: str, *people: str) -> None:
    """Put people in dispatch's directory (rule 12: a ticket is shared only with listed
    people of the sharer's centre; these have none, the tenant's default centre)."""
    admin = {"X-Actor-Id": "e2e-admin", "X-Actor-Role": "admin"}
    async with httpx.AsyncClient(base_url=dispatch_url) as dispatch:
        for person in people:
            listed = await dispatch.put(
                f"/admin/tenants/{tenant}/staff/{person}", json={"name": person}, headers=admin
            )
            assert listed.status_code == 200, listed.text


async def bearer(keycloak: KeycloakConfig, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await sign_in(keycloak.issuer, username)}"}


async def view(gateway: httpx.AsyncClient, ticket_id: str, who: dict[str, str]) -> dict[str, Any]:
    response = await gateway.get(f"/tickets/{ticket_id}", headers=who)
    return dict(response.json()) if response.status_code == 200 else {}


async def test_a_ticket_lives_its_life_through_the_gateway_with_keycloak_tokens(
    keycloak_gateway: httpx.AsyncClient, keycloak: KeycloakConfig
) -> None:
    gateway = keycloak_gateway
    agent, engineer, supervisor, postal = [
        await bearer(keycloak, name)
        for name in ("agent.demo", "li.wei", "supervisor.demo", "supervisor.demo-postal")
    ]
    ref, key = f"kc-{uuid4().hex[:8]}", {"Idempotency-Key": uuid4().hex}
    # The agent names no tenant: the token's is used.
    body = submission(DEMO, ref) | {"tenant_id": None}
    created = await gateway.post("/tickets", json=body, headers=agent | key)
    retried = await gateway.post("/tickets", json=body, headers=agent | key)
    tid = created.json()["ticket_id"]
    await eventually(partial(view, gateway, tid, supervisor), lambda v: v.get("assignee"))
    jobs = await gateway.get("/field/jobs", headers=engineer)

    starts = datetime.now(UTC) + timedelta(hours=2)
    window = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}
    spoofed = {"X-Actor-Id": "zhang.min", "X-Actor-Role": "admin"}
    accept_key = {"Idempotency-Key": uuid4().hex}
    accepted = await gateway.post(
        f"/tickets/{tid}/accept", json={"appointment": window}, headers=engineer | accept_key
    )
    accepted_again = await gateway.post(
        f"/tickets/{tid}/accept", json={"appointment": window}, headers=engineer | accept_key
    )
    started = await gateway.post(f"/tickets/{tid}/start", headers=engineer | spoofed)
    commented = await gateway.post(
        f"/tickets/{tid}/comments", json={"body": "splicing the fibre"}, headers=engineer
    )
    resolved = await gateway.post(
        f"/tickets/{tid}/resolve",
        json={"cause": "fibre cut", "solution": "spliced", "closure_code": "FIX"},
        headers=engineer,
    )
    photo_key = {"Idempotency-Key": uuid4().hex}
    photo = {"file": ("cabinet.png", PNG, "image/png")}
    uploaded = await gateway.post(
        f"/tickets/{tid}/attachments", files=photo, headers=engineer | photo_key
    )
    uploaded_again = await gateway.post(
        f"/tickets/{tid}/attachments", files=photo, headers=engineer | photo_key
    )
    illegal = await gateway.post(f"/tickets/{tid}/start", headers=engineer)
    final = await eventually(
        partial(view, gateway, tid, supervisor),
        lambda v: v.get("status") == "resolved" and v.get("attachments"),
    )
    preview = await gateway.get(final["attachments"][0]["preview_url"], headers=supervisor)
    history = await gateway.get(f"/tickets/{tid}/history", headers=supervisor)
    other_tenant = [
        await gateway.get(f"/tickets/{tid}", headers=postal),
        await gateway.post(f"/tickets/{tid}/urge", json={}, headers=postal),
        await gateway.get(f"/tickets/{tid}/history", headers=postal),
    ]
    postal_list = await gateway.get("/tickets", headers=postal)

    assert created.status_code == 201, created.text
    assert (retried.status_code, retried.json()) == (201, created.json())
    assert tid in [job["ticket_id"] for job in jobs.json()]
    assert [r.status_code for r in (accepted, started, resolved)] == [200, 200, 200], started.text
    assert accepted_again.json() == accepted.json()
    assert commented.status_code == 201
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded_again.json() == uploaded.json()  # one photo stored, not two
    assert len(final["attachments"]) == 1
    assert (preview.headers["content-type"], preview.content) == ("image/png", PNG)
    assert illegal.status_code == 409
    assert "customer_reply" in illegal.json()["detail"]["allowed"]
    steps = [(h["type"], h["actor"]["id"], h["actor"]["role"]) for h in history.json()]
    by_engineer = [step for step in steps if step[0] != "ticket.registered" and step[1] != "system"]
    # One accept although it was sent twice; the client's own X-Actor-* headers were dropped.
    assert [step[0] for step in steps if step[0] == "ticket.accepted"] == ["ticket.accepted"]
    assert {step[1:] for step in by_engineer} == {("li.wei", "field_engineer")}
    assert {"ticket.commented", "ticket.resolved"} <= {step[0] for step in by_engineer}
    assert steps[0][0] == "ticket.registered"
    assert final["tenant_id"] == DEMO
    assert [r.status_code for r in other_tenant] == [404, 404, 404]
    assert tid not in [t["ticket_id"] for t in postal_list.json()["items"]]


async def test_every_workflow_command_goes_through_the_gateway_as_the_signed_in_person(
    keycloak_gateway: httpx.AsyncClient, keycloak: KeycloakConfig
) -> None:
    gateway = keycloak_gateway
    names = ("agent.demo", "dispatcher.demo", "supervisor.demo", "li.wei", "requester.demo")
    agent, dispatcher, supervisor, engineer, requester = [
        await bearer(keycloak, name) for name in names
    ]
    tickets = []
    # Submitted in the portal: a requester acts only on the tickets they submitted.
    for ref in (f"all-{uuid4().hex[:8]}", f"cancel-{uuid4().hex[:8]}"):
        created = await gateway.post("/tickets", json=submission(DEMO, ref), headers=requester)
        assert created.status_code == 201, created.text
        tickets.append(created.json()["ticket_id"])
    tid, other = tickets
    for ticket in tickets:
        await eventually(partial(view, gateway, ticket, supervisor), lambda v: v.get("assignee"))
    starts = datetime.now(UTC) + timedelta(days=2)
    ends = starts + timedelta(hours=1)
    change = {
        "title": "swap OLT card", "description": "card 3 faulty", "risk": "medium",
        "planned_start": starts.isoformat(), "planned_end": ends.isoformat(),
        "rollback_plan": "put the old card back",
    }  # fmt: skip
    steps: list[tuple[dict[str, str], str, str, dict[str, Any] | None, int]] = [
        (dispatcher, "POST", "tags", {"tag": "vip"}, 200),
        (dispatcher, "DELETE", "tags/vip", None, 200),
        (supervisor, "PUT", "watchers/me", None, 200),
        (supervisor, "DELETE", "watchers/me", None, 200),
        (engineer, "POST", "share", {"shared_with": ["zhang.min"]}, 200),
        (agent, "POST", "urge", {"note": "the customer called again"}, 200),
        (dispatcher, "POST", "transfer", {"reason": "back to the centre"}, 200),
        (dispatcher, "POST", "assign", {"assignee": "li.wei", "reason": "on duty"}, 200),
        (engineer, "POST", "accept", {}, 200),
        (engineer, "POST", "start", None, 200),
        (engineer, "POST", "upgrade-severity", {"severity": "urgent"}, 200),
        (engineer, "POST", "problems", {"title": "OLT flaps", "description": "port 3"}, 201),
        (engineer, "POST", "changes", change, 201),
        (engineer, "POST", "wait-customer", {"reason": "no access to the cabinet"}, 200),
        (agent, "POST", "customer-reply", {"message": "the cabinet is open now"}, 202),
        (engineer, "POST", "hold", {"reason": "waiting for a spare"}, 200),
        (engineer, "POST", "resume", {}, 200),
        (engineer, "POST", "investigate", {}, 200),
        (engineer, "POST", "resume", {}, 200),
        (engineer, "POST", "escalate", {"reason": "needs_expertise", "group": "l2"}, 200),
        (engineer, "POST", "resume", {}, 200),
        (engineer, "POST", "portal-messages", {"body": "an engineer is on it"}, 201),
        (engineer, "POST", "resolve",
         {"cause": "fibre cut", "solution": "spliced", "closure_code": "FIX"}, 200),
        (requester, "POST", "confirm", None, 200),
    ]  # fmt: skip
    answers = []
    for who, method, command, body, expected in steps:
        response = await gateway.request(
            method, f"/tickets/{tid}/{command}", json=body, headers=who
        )
        answers.append((command, response.status_code, expected, response.text[:300]))
    canceled = await gateway.post(
        f"/tickets/{other}/cancel", json={"reason": "a duplicate"}, headers=requester
    )
    closed = await eventually(
        partial(view, gateway, tid, supervisor), lambda v: v.get("status") == "closed"
    )

    assert [a for a in answers if a[1] != a[2]] == []
    assert canceled.status_code == 200, canceled.text
    assert closed["severity"] == "urgent"
    kinds = {h["type"] for h in closed["history"]}
    assert {
        "ticket.tagged",
        "ticket.untagged",
        "ticket.watch_changed",
        "ticket.shared",
        "ticket.urged",
        "ticket.transferred",
        "ticket.accepted",
        "problem.created",
        "change.submitted",
        "ticket.escalated",
        "ticket.resolved",
        "ticket.closed",
    } <= kinds


async def test_the_eoms_flow_a_closed_ticket_is_inspected_then_returned_upstream(
    keycloak_gateway: httpx.AsyncClient,
    keycloak: KeycloakConfig,
    stack: dict[str, str],
    infra: Endpoints,
    stack_namespace: str,
) -> None:
    """Registered upstream → assigned → accepted and resolved in the field → confirmed →
    inspected (质检) by the tenant's inspector → returned (返单) with the result."""
    gateway = keycloak_gateway
    names = ("agent.demo", "li.wei", "inspector.demo", "supervisor.demo")
    agent, engineer, inspector, supervisor = [await bearer(keycloak, name) for name in names]
    policy = {"sample_share": 1.0, "pass_mark": 60.0, "items": [
        {"key": "reply_complete", "label": "回单完整 / Reply complete", "weight": 1},
        {"key": "solution_effective", "label": "问题已解决 / Fixed", "weight": 1, "critical": True},
    ]}  # fmt: skip
    admin = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}
    async with httpx.AsyncClient(base_url=stack["qc"]) as qc:
        assert (await qc.put(f"/tenants/{DEMO}/qc-policy", json=policy, headers=admin)).is_success
    ref = f"eoms-{uuid4().hex[:8]}"
    topics = Topics(stack_namespace)
    async with TopicRecorder(infra.kafka_bootstrap, topics.upstream_returns) as upstream:
        tid = (await gateway.post("/tickets", json=submission(DEMO, ref), headers=agent)).json()[
            "ticket_id"
        ]
        await eventually(partial(view, gateway, tid, supervisor), lambda v: v.get("assignee"))
        for who, command, body in [
            (engineer, "accept", {}), (engineer, "start", None),
            (engineer, "resolve", {"cause": "fibre cut", "solution": "spliced",
                                   "closure_code": "FIX"}),
            # The customer confirms on the phone; the call-centre agent records it.
            (agent, "confirm", None),
        ]:  # fmt: skip
            done = await gateway.post(f"/tickets/{tid}/{command}", json=body, headers=who)
            assert done.status_code == 200, done.text
        queue = await eventually(
            lambda: gateway.get("/inspections", headers=inspector),
            lambda r: tid in [i["ticket_id"] for i in r.json()],
        )
        not_yet = list(upstream.records)
        claimed = await gateway.post(f"/inspections/{tid}/claim", headers=inspector)
        verdict = {"items": {"reply_complete": True, "solution_effective": True},
                   "comment": "回访确认已恢复"}  # fmt: skip
        submitted = await gateway.post(
            f"/inspections/{tid}/submit", json=verdict, headers=inspector
        )
        returned = await eventually(lambda: _returns(upstream, tid), lambda rs: len(rs) == 1)
        final = await eventually(
            partial(view, gateway, tid, supervisor),
            lambda v: (v.get("qc") or {}).get("state") == "submitted",
        )
    engineer_queue = await gateway.get("/inspections", headers=engineer)

    assert queue.status_code == 200
    assert [r for r in not_yet if json.loads(r.value or b"{}").get("ticket_id") == tid] == []
    assert claimed.json()["state"] == "claimed"
    assert submitted.status_code == 200, submitted.text
    back = returned[0]
    assert (back["external_ref"], back["closure_reason"], back["cause"]) == (
        ref, "confirmed", "fibre cut",
    )  # fmt: skip
    assert back["inspection"]["passed"] is True
    assert back["inspection"]["inspector"] == "inspector.demo"
    assert final["qc"]["score"] == 100.0
    assert engineer_queue.status_code == 403


async def _returns(recorder: TopicRecorder, ticket_id: str) -> list[dict[str, Any]]:
    found = [json.loads(r.value or b"{}") for r in recorder.records]
    return [r for r in found if r.get("ticket_id") == ticket_id]


def _payload(token: str) -> dict[str, Any]:
    """The token's claims, read without checking them (the gateway checks them)."""
    body = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


async def test_the_demo_realm_names_groups_regions_and_language_in_the_token(
    keycloak_gateway: httpx.AsyncClient, keycloak: KeycloakConfig
) -> None:
    engineer = await sign_in(keycloak.issuer, "li.wei")
    postal = await sign_in(keycloak.issuer, "dispatcher.demo-postal")
    agent = await sign_in(keycloak.issuer, "agent.demo")

    me = [
        (await keycloak_gateway.get("/me", headers={"Authorization": f"Bearer {t}"})).json()
        for t in (engineer, postal, agent)
    ]

    assert [(m["groups"], m["regions"]) for m in me] == [
        (["network-ops"], ["beijing-chaoyang"]),
        (["counter"], ["moscow-central"]),
        (["complaints"], []),
    ]
    assert [_payload(t).get("locale") for t in (engineer, postal, agent)] == ["zh-CN", "ru", None]
