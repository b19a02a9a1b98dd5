"""``GET /reports/tickets``: a period's tickets by time, region, group, person, status or type,
as JSON for charts, CSV or XLSX."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import AwareDatetime

from services.gateway.app import reading
from services.gateway.domain.callers import REPORT_READERS, require
from services.gateway.domain.reports import Dimension, report_request
from services.gateway.entrypoints.deps import Ctx, Tenant, Who
from services.gateway.entrypoints.report_formats import csv_lines, xlsx_bytes
from services.gateway.entrypoints.schemas import EDGE_RESPONSES

router = APIRouter(tags=["reports"], responses=EDGE_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Language(StrEnum):
    """The languages of the CSV and XLSX headings (``reports.LANGUAGES``)."""

    EN = "en"
    ZH_CN = "zh-CN"
    RU = "ru"


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@router.get(
    "/reports/tickets",
    responses={200: {"content": {"text/csv": {}, XLSX: {}},
                     "description": "The report; JSON unless format says otherwise"}},
)  # fmt: skip
async def ticket_report(
    ctx: Ctx, who: Who, tenant: Tenant,
    by: Dimension,
    start: Annotated[AwareDatetime, Query(alias="from")],
    end: Annotated[AwareDatetime, Query(alias="to")],
    tz: Annotated[str, Query(min_length=1, max_length=64)] = "UTC",
    format: Format = Format.JSON,
    lang: Language = Language.EN,
) -> Any:  # fmt: skip
    """Tickets registered in ``[from, to)``, grouped ``by`` a period (in time zone ``tz``)
    or a field; every row has the same columns, and a last row sums them all."""
    require(who, REPORT_READERS)
    request = report_request(tenant, by, _utc(start), _utc(end), tz)
    report = await reading.ticket_report(request, ctx.reports)
    name = f"tickets-by-{by.value}-{start:%Y%m%d}-{end:%Y%m%d}"
    if format is Format.CSV:
        return StreamingResponse(
            csv_lines(report, lang.value), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )  # fmt: skip
    if format is Format.XLSX:
        return Response(
            xlsx_bytes(report, lang.value), media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )  # fmt: skip
    return {"by": by.value, "from": start, "to": end, "tz": tz,
            "rows": report.rows, "total": report.total}  # fmt: skip


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)
