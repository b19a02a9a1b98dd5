"""Demo submissions that ``make run`` posts to intake (resubmitting them is harmless)."""

import json
import time
from collections.abc import Sequence

import httpx

from deploy.local.process import ProcessFailed

DEMO_ASSIGNMENT_RULES = json.dumps(
    [
        {"ticket_type": "incident", "assignee": "li.wei", "group": "network-ops"},
        {"ticket_type": "complaint", "assignee": "zhang.min", "group": "complaints"},
    ]
)

COMPLAINT_REF = "demo-0002"

# The demo's tenants, provisioned before its submissions (intake refuses unknown tenants)
# and before its configuration in notify and qc (they refuse tenants intake did not
# announce).
DEMO_TENANTS = {
    "demo": "Demo Service Desk / 演示服务台 / Демо-служба",
    "demo-postal": "Demo Post Office / 演示邮政 / Демо-почта",
}
# The demo tenant inspects every closed ticket, so that make run shows an inspection.
DEMO_QC_POLICY = {
    "sample_share": 1.0,
    "pass_mark": 80.0,
    "items": [
        {"key": "reply_complete", "label": "回单完整 / Reply complete / Ответ полный",
         "weight": 40},
        {"key": "solution_effective", "label": "问题已解决 / Fixed / Проблема решена",
         "weight": 40, "critical": True},
        {"key": "customer_informed", "label": "已告知客户 / Customer told / Клиент извещён",
         "weight": 20},
    ],
}  # fmt: skip
# The units a complaint can be judged against (判责), and who may appeal for them (申诉).
DEMO_UNITS = {
    "complaints": {"name": "投诉处理组 / Complaints / Группа жалоб", "members": ["zhang.min"]},
    "network-ops": {"name": "网络运维 / Network ops / Сетевая служба", "members": ["li.wei"]},
}
# The demo complaint (demo-0002) is worked to its end, so that qc has an inspection and a
# return visit to show; its assignee comes from DEMO_ASSIGNMENT_RULES.
COMPLAINT_STEPS = [
    ("accept", {}), ("start", None),
    ("resolve", {"cause": "分拣错误 / mis-sorted", "solution": "重新投递 / redelivered",
                 "closure_code": "REDELIVERED"}),
]  # fmt: skip
# Who registers each demo submission: the call-centre agent for a call or the field app,
# the customer themselves on the web portal.
REGISTERED_BY = {
    "phone": {"X-Actor-Id": "agent.demo", "X-Actor-Role": "agent"},
    "app": {"X-Actor-Id": "agent.demo", "X-Actor-Role": "agent"},
    "web": {"X-Actor-Id": "ivan", "X-Actor-Role": "requester"},
}
# The demo staff as notify knows them: where SMS and e-mail reach them, who is on duty and
# who leads which group, so that make run shows their messages and in-app notices.
DEMO_PEOPLE = {
    "li.wei": {"name": "李伟 Li Wei", "phone": "+8613900000001", "email": "li.wei@demo.example",
               "on_duty": True},
    "zhang.min": {"name": "张敏 Zhang Min", "phone": "+8613900000002",
                  "email": "zhang.min@demo.example", "on_duty": True},
    "group-lead.demo": {"name": "Group lead", "email": "group-lead@demo.example",
                        "leads": ["network-ops", "complaints"], "on_duty": True},
    "supervisor.demo": {"name": "Supervisor", "email": "supervisor@demo.example",
                        "supervisor": True, "on_duty": True, "language": "en"},
}  # fmt: skip
ASSIGNEE = {"X-Actor-Id": "zhang.min", "X-Actor-Role": "agent"}
CUSTOMER = {"X-Actor-Id": "ivan", "X-Actor-Role": "requester"}
ADMIN = {"X-Actor-Id": "demo", "X-Actor-Role": "admin"}
WAIT_S = 30.0
# How long intake's announcement of a tenant may take to reach the other services (their
# consumers may still be joining their groups right after start-up).
KNOWN_WITHIN_S = 60.0

DEMO_SUBMISSIONS = [
    {
        "tenant_id": "demo",
        "source": "phone",
        "external_ref": "demo-0001",
        "type": "incident",
        "subject": "宽带无法上网 / broadband down",
        "description": "Customer reports no internet since 08:00.",
        "contact": {"name": "王女士", "phone": "+8613800138000"},
        "location": {"address": "朝阳区建国路 88 号", "region": "beijing-chaoyang"},
        "urgency": 2,
        "impact": 2,
        "needs_onsite": True,
    },
    {
        "tenant_id": "demo",
        "source": "web",
        "external_ref": COMPLAINT_REF,
        "type": "complaint",
        "subject": "Посылка задерживается / parcel delayed",
        "contact": {"name": "Иван Петров", "email": "ivan@example.ru"},
        "urgency": 3,
        "impact": 3,
    },
    {
        "tenant_id": "demo",
        "source": "app",
        "external_ref": "demo-0003",
        "type": "incident",
        "subject": "Core switch outage in data centre 2",
        "account_id": "acct-datacentre",
        "severity": "major",
        "urgency": 1,
        "impact": 1,
    },
]


def provision_demo_tenants(
    intake_url: str,
    knowing: Sequence[str],
    transport: httpx.BaseTransport | None = None,
    within_s: float = KNOWN_WITHIN_S,
) -> None:
    """The demo's tenants in intake's registry, then wait until each service at the URLs
    ``knowing`` has heard of them from intake: those refuse (404) the configuration of a
    tenant they do not know, and the demo configures them next."""
    with httpx.Client(base_url=intake_url, timeout=10.0, transport=transport) as intake:
        for tenant_id, name in DEMO_TENANTS.items():
            intake.put(f"/tenants/{tenant_id}", json={"name": name}).raise_for_status()
    for url in knowing:
        with httpx.Client(base_url=url, timeout=10.0, transport=transport) as service:
            for tenant_id in DEMO_TENANTS:
                _until_known(service, tenant_id, time.monotonic() + within_s)


def _until_known(service: httpx.Client, tenant_id: str, deadline: float) -> None:
    while service.get(f"/known-tenants/{tenant_id}").status_code != 200:
        if time.monotonic() > deadline:
            raise ProcessFailed(
                f"{service.base_url} has not learned tenant {tenant_id} from intake in time; "
                "see its log"
            )
        time.sleep(0.2)


def provision_demo_people(notify_url: str) -> None:
    with httpx.Client(base_url=notify_url, timeout=10.0) as notify:
        for username, person in DEMO_PEOPLE.items():
            path = f"/tenants/demo/people/{username}"
            notify.put(path, json=person, headers=ADMIN).raise_for_status()


def post_demo_tickets(intake_url: str) -> dict[str, tuple[str, str]]:
    """The demo tickets' numbers and ids by external reference (their tenants provisioned
    by ``provision_demo_tenants``)."""
    tickets = {}
    with httpx.Client(base_url=intake_url, timeout=10.0) as client:
        for submission in DEMO_SUBMISSIONS:
            headers = REGISTERED_BY[str(submission["source"])]
            response = client.post("/tickets", json=submission, headers=headers)
            response.raise_for_status()
            body = response.json()
            tickets[str(submission["external_ref"])] = (body["number"], body["ticket_id"])
    return tickets


def close_demo_complaint(dispatch_url: str, qc_url: str, ticket_id: str) -> str:
    """Work the demo complaint to closed (once: a re-run finds it closed) and say how it is."""
    with httpx.Client(base_url=qc_url, timeout=10.0) as qc:
        qc.put("/tenants/demo/qc-policy", json=DEMO_QC_POLICY, headers=ADMIN).raise_for_status()
        for unit_id, unit in DEMO_UNITS.items():
            qc.put(f"/tenants/demo/units/{unit_id}", json=unit, headers=ADMIN).raise_for_status()
    order = f"/work-orders/{ticket_id}"
    with httpx.Client(base_url=dispatch_url, timeout=10.0) as dispatch:
        status = _routed(dispatch, order)
        if status != "assigned":
            return {"closed": "closed on an earlier run", None: "not routed by dispatch yet"}.get(
                status, f"left {status}"
            )
        for command, body in COMPLAINT_STEPS:
            dispatch.post(f"{order}/{command}", json=body, headers=ASSIGNEE).raise_for_status()
        dispatch.post(f"{order}/confirm", headers=CUSTOMER).raise_for_status()
    return "closed now"


def _routed(dispatch: httpx.Client, order: str) -> str | None:
    """The work order's status once dispatch has routed it (it comes over Kafka)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        response = dispatch.get(order)
        if response.status_code == 200 and response.json()["status"] != "new":
            return str(response.json()["status"])
        time.sleep(0.5)
    return None
