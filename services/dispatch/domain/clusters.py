"""Outage clusters (集中投诉区域): the 10086 flow's coordination team works first on the areas
where complaints concentrate — the hour after a broadband cabinet fails, dozens of tickets
from one street say the same thing.

A cluster is detected when at least ``min_complaints`` tickets of one category, each within
``radius_km`` of the newest, were registered within ``window`` before it. Later tickets of
that category near its centre join it while it is open. Pure: the adapter finds the
candidates with the 2dsphere index; this decides.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

EARTH_RADIUS_KM = 6371.0088
# Tickets that report something broken; a consultation or a service request is no outage.
OUTAGE_TYPES = frozenset({"incident", "complaint", "repair"})


@dataclass(frozen=True)
class ClusterRule:
    """A tenant's rule (the issue's defaults: 5 complaints within 2 km within 60 minutes)."""

    min_complaints: int = 5
    radius_km: float = 2.0
    window: timedelta = timedelta(minutes=60)

    def __post_init__(self) -> None:
        if self.min_complaints < 2:
            raise ValueError("a cluster has at least 2 complaints")
        if not 0 < self.radius_km <= 50:
            raise ValueError("radius_km is between 0 and 50")
        if not timedelta(0) < self.window <= timedelta(days=1):
            raise ValueError("the window is between a second and a day")


@dataclass(frozen=True)
class Complaint:
    ticket_id: str
    category: str
    lon: float
    lat: float
    registered_at: datetime


def category_of(ticket_type: str, service: str | None) -> str | None:
    """What must be the same for tickets to be one outage: the service (broadband, IPTV …),
    else the ticket type; None for tickets that report no outage."""
    if ticket_type not in OUTAGE_TYPES:
        return None
    return service or ticket_type


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points (haversine), as 2dsphere measures."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class Cluster:
    cluster_id: str
    tenant_id: str
    category: str
    centre: tuple[float, float]  # (lon, lat)
    radius_km: float
    detected_at: datetime
    members: list[str] = field(default_factory=list)
    parent_id: str | None = None  # the parent incident, once a dispatcher made or picked one
    open: bool = True

    def covers(self, complaint: Complaint) -> bool:
        near = distance_km(self.centre, (complaint.lon, complaint.lat)) <= self.radius_km
        return self.open and complaint.category == self.category and near

    def join(self, complaint: Complaint) -> bool:
        """Take the complaint in; False when it is a member already (a redelivery)."""
        if complaint.ticket_id in self.members:
            return False
        self.members.append(complaint.ticket_id)
        return True


def members_of(newest: Complaint, candidates: Iterable[Complaint], rule: ClusterRule) -> list[str]:
    """The cluster ``newest`` completes, oldest first, or [] while fewer than the rule asks
    were registered near it in the window before it."""
    since = newest.registered_at - rule.window
    near = {
        c.ticket_id: c
        for c in candidates
        if c.category == newest.category and since <= c.registered_at <= newest.registered_at
        and distance_km((c.lon, c.lat), (newest.lon, newest.lat)) <= rule.radius_km
    }  # fmt: skip
    near[newest.ticket_id] = newest
    if len(near) < rule.min_complaints:
        return []
    return [
        c.ticket_id for c in sorted(near.values(), key=lambda c: (c.registered_at, c.ticket_id))
    ]


def centre_of(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """The members' mean position: good enough at a few kilometres."""
    listed = list(points)
    return (sum(p[0] for p in listed) / len(listed), sum(p[1] for p in listed) / len(listed))
