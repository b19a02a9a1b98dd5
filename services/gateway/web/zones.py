"""The tenant's time zone, from its intake configuration (``time_zone``), kept a few
minutes; the dashboard's default zone when the tenant names none or intake is away."""

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.gateway.app.ports import ServiceRequest, Services
from services.gateway.domain.callers import Caller
from shared.clock import Clock
from shared.errors import RequestError

KEEP = timedelta(minutes=5)


@dataclass
class TenantZones:
    services: Services
    clock: Clock
    default: ZoneInfo
    _known: dict[str, tuple[ZoneInfo, datetime]] = field(default_factory=dict)

    async def of(self, tenant_id: str, caller: Caller) -> ZoneInfo:
        now = self.clock.now()
        known = self._known.get(tenant_id)
        if known is not None and known[1] > now:
            return known[0]
        zone = await self._fetch(tenant_id, caller)
        self._known[tenant_id] = (zone, now + KEEP)
        return zone

    async def _fetch(self, tenant_id: str, caller: Caller) -> ZoneInfo:
        request = ServiceRequest("intake", "GET", f"/tenants/{tenant_id}/config")
        try:
            reply = await self.services.send(request, caller)
            name = json.loads(reply.body).get("time_zone") if reply.status == 200 else None
            return ZoneInfo(name) if isinstance(name, str) and name else self.default
        except (RequestError, ValueError, ZoneInfoNotFoundError, AttributeError):
            return self.default
