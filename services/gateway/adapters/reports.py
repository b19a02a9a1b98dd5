"""Reports as one aggregation over the read model: a tenant's tickets registered in a
period (an index range), grouped and summed in MongoDB; only the sums leave the server."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.adapters.mongo import TICKETS
from services.gateway.domain.reports import PERIODS, TICKET_METRICS, ReportRequest

Sums = dict[str, Any]
DONE = ["resolved", "closed"]
NONE = "(none)"


def _count_if(condition: dict[str, Any]) -> dict[str, Any]:
    return {"$sum": {"$cond": [condition, 1, 0]}}


def _flag(field: str) -> dict[str, Any]:
    return _count_if({"$eq": [f"${field}", True]})


def _since_registration(field: str) -> dict[str, Any]:
    return {"$subtract": [f"${field}", "$registered_at"]}


def _key(request: ReportRequest) -> dict[str, Any]:
    pattern = PERIODS.get(request.by)
    if pattern is not None:
        return {"$dateToString": {"format": pattern, "date": "$registered_at",
                                  "timezone": request.timezone}}  # fmt: skip
    return {"$ifNull": [f"${request.by.value}", NONE]}


def _sums() -> dict[str, Any]:
    p90 = {"p": [0.9], "method": "approximate"}
    return {
        "opened": {"$sum": 1},
        "resolved": _count_if({"$in": ["$status", DONE]}),
        "canceled": _count_if({"$eq": ["$status", "canceled"]}),
        "first_contact": _count_if({"$eq": ["$closure_reason", "first_contact"]}),
        "extended": _flag("extended"),
        **{f"breached_{m.value}": _flag(f"breached_{m.value}") for m in TICKET_METRICS},
        "accept_mean": {"$avg": _since_registration("accepted_at")},
        "accept_p90": {"$percentile": {"input": _since_registration("accepted_at"), **p90}},
        "resolve_mean": {"$avg": _since_registration("resolved_at")},
        "resolve_p90": {"$percentile": {"input": _since_registration("resolved_at"), **p90}},
        "urges": {"$sum": {"$ifNull": ["$urge_count", 0]}},
        "escalated": _flag("escalated"),
        "repeats": _flag("repeat"),
        "inspected": _count_if({"$eq": ["$qc.state", "submitted"]}),
        "qc_passed": _flag("qc.passed"),
        "qc_score_mean": {"$avg": "$qc.score"},
        "dissatisfied": _flag("dissatisfied"),
        "appealed": _flag("appealed"),
        "appeal_upheld": _count_if({"$eq": ["$appeal_outcome", "upheld"]}),
        "appeal_overturned": _count_if(
            {"$in": ["$appeal_outcome", ["no_responsibility", "reassigned"]]}
        ),
    }


class MongoReports:
    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self._tickets = db[TICKETS]

    async def ticket_groups(
        self, request: ReportRequest
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The sums per group in key order, and over the whole cohort."""
        cohort = {"tenant_id": request.tenant_id,
                  "registered_at": {"$gte": request.start, "$lt": request.end}}  # fmt: skip
        pipeline: list[Sums] = [
            {"$match": cohort},
            {"$facet": {
                "groups": [{"$group": {"_id": _key(request), **_sums()}}, {"$sort": {"_id": 1}}],
                "total": [{"$group": {"_id": None, **_sums()}}],
            }},
        ]  # fmt: skip
        answer = await (await self._tickets.aggregate(pipeline)).to_list()
        facets = answer[0] if answer else {"groups": [], "total": []}
        groups = [g | {"key": g["_id"]} for g in facets["groups"]]
        total = facets["total"][0] if facets["total"] else {}
        return groups, total | {"key": "total"}
