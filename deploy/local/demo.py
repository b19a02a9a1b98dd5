"""Demo submissions that ``make run`` posts to intake (resubmitting them is harmless)."""

import json

import httpx

DEMO_ASSIGNMENT_RULES = json.dumps(
    [
        {"ticket_type": "incident", "assignee": "li.wei", "group": "network-ops"},
        {"ticket_type": "complaint", "assignee": "zhang.min", "group": "complaints"},
    ]
)

# The demo's tenants, provisioned before its submissions (intake refuses unknown tenants).
DEMO_TENANTS = {"demo": "Demo Service Desk / 演示服务台 / Демо-служба"}

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
        "external_ref": "demo-0002",
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


def post_demo_tickets(intake_url: str) -> list[str]:
    numbers = []
    with httpx.Client(base_url=intake_url, timeout=10.0) as client:
        for tenant_id, name in DEMO_TENANTS.items():
            client.put(f"/tenants/{tenant_id}", json={"name": name}).raise_for_status()
        for submission in DEMO_SUBMISSIONS:
            response = client.post("/tickets", json=submission)
            response.raise_for_status()
            numbers.append(response.json()["number"])
    return numbers
