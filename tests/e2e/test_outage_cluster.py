"""The hour after a broadband cabinet fails, through the whole stack: six complaints from
one street within ten minutes are one outage; the dispatcher makes a parent incident of
it; resolving the parent resolves all six children, each with one SLA stop and one
notice to its customer."""

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import sla_clocks, submission

STREET = (116.4600, 39.9100)  # 建国路, Beijing


def complaint(namespace: str, i: int) -> dict[str, object]:
    return submission(namespace, f"outage-{i}") | {
        "type": "complaint", "service": "broadband", "subject": "宽带断网",
        "contact": {"phone": f"+86138001380{i:02d}", "email": f"c{i}@example.cn"},
        "location": {"address": "朝阳区建国路 88 号", "lon": STREET[0],
                     "lat": STREET[1] + 0.001 * i},
    }  # fmt: skip


async def test_six_complaints_from_one_street_are_resolved_with_their_parent(
    stack, namespace, issuer
):
    agent = {"X-Actor-Id": "wang.agent", "X-Actor-Role": "agent"}
    dispatcher = issuer.headers(namespace, ["dispatcher"], username="zhou.dispatch")
    engineer = issuer.headers(namespace, ["field_engineer"], username="li.wei")
    # Resolving the parent resolves its six children in the same request: on two busy
    # cores that takes longer than httpx's default 5 s.
    async with (
        httpx.AsyncClient(base_url=stack["intake"], timeout=60) as intake,
        httpx.AsyncClient(base_url=stack["gateway"], timeout=60) as gateway,
        httpx.AsyncClient(base_url=stack["sla"], timeout=60) as sla,
        httpx.AsyncClient(base_url=stack["notify"], timeout=60) as notify,
    ):
        children = [(await intake.post("/tickets", json=complaint(namespace, i), headers=agent))
                    .json()["ticket_id"] for i in range(6)]  # fmt: skip
        [cluster] = (await eventually(
            lambda: gateway.get("/clusters", headers=dispatcher),
            lambda r: r.status_code == 200 and [len(c["members"]) for c in r.json()] == [6],
            timeout=60,
        )).json()  # fmt: skip
        outage = submission(namespace, "outage-parent") | {"subject": "光交箱故障 建国路"}
        parent = (await intake.post("/tickets", json=outage, headers=agent)).json()["ticket_id"]
        await eventually(lambda: gateway.get(f"/tickets/{parent}", headers=dispatcher),
                         lambda r: r.status_code == 200 and r.json().get("assignee"))  # fmt: skip
        linked = await gateway.post(f"/clusters/{cluster['cluster_id']}/parent",
                                    json={"ticket_id": parent}, headers=dispatcher)  # fmt: skip
        for command, body in (
            ("accept", {}),
            ("start", {}),
            (
                "resolve",
                {"cause": "光交箱断电", "solution": "更换电源模块", "closure_code": "POWER"},
            ),
        ):
            done = await gateway.post(f"/tickets/{parent}/{command}", json=body, headers=engineer)
            assert done.status_code == 200, (command, done.text)
        views = [await eventually(
            lambda t=t: gateway.get(f"/tickets/{t}", headers=dispatcher),
            lambda r: r.json().get("status") == "resolved", timeout=60,
        ) for t in children]  # fmt: skip
        clocks = [await eventually(
            lambda t=t: sla_clocks(sla, t),
            lambda c: c.get("resolution", {}).get("stopped_at") is not None, timeout=60,
        ) for t in children]  # fmt: skip
        told = [await eventually(
            lambda t=t: notify.get(f"/tickets/{t}/notifications"),
            lambda r: any(d["kind"] == "ticket_resolved" for d in r.json()), timeout=60,
        ) for t in children]  # fmt: skip

    assert sorted(cluster["members"]) == sorted(children)
    assert linked.status_code == 200, linked.text
    assert [v.json()["resolution"]["cause"] for v in views] == ["光交箱断电"] * 6
    assert all(v.json()["parent_id"] == parent for v in views)
    stops = {c["resolution"]["stopped_at"] for c in clocks}
    assert len(stops) == 1  # every child's clock stopped at the parent's resolution
    for answer in told:
        resolved = [d for d in answer.json()
                    if d["kind"] == "ticket_resolved" and d["recipient"] == "contact"]  # fmt: skip
        assert [d["channel"] for d in resolved] == ["email"]  # one notice each
