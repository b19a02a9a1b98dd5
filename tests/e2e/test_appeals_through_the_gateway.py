"""判责 and 申诉 through the gateway with signed-in people: a supervisor judges a complaint,
a member of the judged unit appeals with a template of the library, a reviewer decides;
the ticket's processing history shows each step, and another tenant reaches none of it."""

from typing import Any

import httpx

from shared.testing.waiting import eventually
from tests.e2e.test_walking_skeleton import submission

QC_ADMIN = {"X-Actor-Id": "root", "X-Actor-Role": "admin"}


async def test_a_complaint_is_judged_appealed_and_upheld_through_the_gateway(
    stack, namespace, issuer
):
    judge = issuer.headers(namespace, ["supervisor"], username="zhao.lei")
    li_wei = issuer.headers(namespace, ["field_engineer"], username="li.wei")
    reviewer = issuer.headers(namespace, ["supervisor"], username="sun.li")
    outsider = issuer.headers(f"{namespace}-other", ["supervisor"])
    complaint = submission(namespace, "appeal-1") | {"type": "complaint"}
    async with (
        httpx.AsyncClient(base_url=stack["qc"]) as qc,
        httpx.AsyncClient(base_url=stack["intake"]) as intake,
        httpx.AsyncClient(base_url=stack["gateway"]) as gateway,
    ):
        unit = {"name": "网络运维中心", "members": ["li.wei"]}
        put = await qc.put(f"/tenants/{namespace}/units/noc", json=unit, headers=QC_ADMIN)
        tid = (await intake.post("/tickets", json=complaint)).json()["ticket_id"]
        judging = {"unit": "noc", "category": "延误", "text": "未在时限内上门", "person": "li.wei"}
        judged = await eventually(
            lambda: gateway.post(f"/complaints/{tid}/judgement", json=judging, headers=judge),
            lambda r: r.status_code == 200, timeout=60,
        )  # fmt: skip
        asked = {"category": "late_scanning", "language": "ru"}
        library = await gateway.get("/appeal-templates", headers=li_wei, params=asked)
        template = library.json()["templates"][0]
        fields = {name: "5" for name in template["fields"]}
        appeal = {"template_id": template["template_id"], "fields": fields, "language": "ru"}
        appealed = await gateway.post(f"/complaints/{tid}/appeal", json=appeal, headers=li_wei)
        queue = await gateway.get("/judgements", headers=reviewer)
        foreign = await gateway.post(f"/complaints/{tid}/appeal/decision", headers=outsider,
                                     json={"decision": "upheld", "reason": "x"})  # fmt: skip
        upheld = {"decision": "upheld", "reason": "上门记录核实无误"}
        decided = await gateway.post(
            f"/complaints/{tid}/appeal/decision", json=upheld, headers=reviewer
        )
        history = await eventually(
            lambda: _types(gateway, tid, judge),
            lambda types: "qc.appeal_decided" in types, timeout=60,
        )  # fmt: skip

    assert put.status_code == 200, put.text
    assert judged.json()["judgements"][0]["state"] == "standing"
    assert appealed.status_code == 200, appealed.text
    filed = appealed.json()["judgements"][0]["appeal"]
    assert (filed["appellant"], filed["template_id"]) == ("li.wei", template["template_id"])
    assert filed["text"] == template["texts"]["ru"].format(**fields)
    assert tid in [j["ticket_id"] for j in queue.json()]
    assert foreign.status_code == 404
    assert decided.json()["judgements"][0]["state"] == "upheld"
    assert [t for t in history if t.startswith("qc.")] == [
        "qc.responsibility_judged", "qc.appeal_filed", "qc.appeal_decided",
    ]  # fmt: skip


async def _types(gateway: httpx.AsyncClient, tid: str, who: dict[str, str]) -> list[Any]:
    response = await gateway.get(f"/tickets/{tid}/history", headers=who)
    return [h["type"] for h in response.json()] if response.status_code == 200 else []
