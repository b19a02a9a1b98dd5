"""The reports page: a period picked in the tenant's time zone, the tickets registered in
it over time (opened, resolved, backlog), by status and type (pies), by region, group and
person (bars), SLA compliance per metric, and the exports of exactly what it shows.

Every figure is the gateway's report (``GET /reports/tickets``) read through its app
layer with the signed-in caller: the same role check and tenant scope. The exports are
the API's CSV and XLSX, served here for the signed-in page (the API takes bearer tokens).
"""

import asyncio
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from services.gateway.app import reading
from services.gateway.app.reading import TicketReport
from services.gateway.domain.callers import REPORT_READERS, require
from services.gateway.domain.reports import COLUMNS, PERIODS, Dimension, report_request
from services.gateway.entrypoints.report_formats import csv_lines, xlsx_bytes
from services.gateway.entrypoints.reports_http import XLSX
from services.gateway.web.pages_http import banner_items
from services.gateway.web.render import page
from services.gateway.web.report_page import (
    BREAKDOWNS,
    GRANULARITIES,
    HANDLING_TIMES,
    MEASURES,
    Period,
    PeriodForm,
    export_dimension,
    hours_minutes,
    key_label,
    over_time,
    period_keys,
    presets,
    read_period,
    report_view,
)
from services.gateway.web.visits import PageRoute, Visit, Visitor
from shared.errors import InvalidFields

router = APIRouter(include_in_schema=False, route_class=PageRoute)
EXPORTS = ("csv", "xlsx")


def _picked(request: Request, v: Visit) -> PeriodForm:
    require(v.caller, REPORT_READERS)  # the API's 403, as a page
    return read_period(request.query_params, _today(v), v.lang.zone)


def _today(v: Visit) -> date:
    return v.web.sign_in.clock.now().astimezone(v.lang.zone).date()


async def _report(v: Visit, period: Period, by: Dimension) -> TicketReport:
    start, end = period.bounds(v.lang.zone)
    asked = report_request(v.tenant, by, start, end, v.lang.zone.key)
    return await reading.ticket_report(asked, v.ctx.reports)


@router.get("/ui/reports")
async def reports(request: Request, v: Visitor) -> Response:
    """The picker, and for a period it can use every chart with its table; a field that
    cannot be used says why next to it (a 422, nothing counted)."""
    form = _picked(request, v)
    values = v.values(
        form=form, presets=presets(_today(v)), granularities=GRANULARITIES,
        breakdowns=BREAKDOWNS, handling_times=HANDLING_TIMES, hours_minutes=hours_minutes,
        measures=[(name, COLUMNS[name][v.lang.tag]) for name in MEASURES],
        zone=v.lang.zone.key, banner=await banner_items(v), shown=None,
        label_of=lambda key, labels: key_label(key, labels, v.lang.gettext),
    )  # fmt: skip
    if form.period is None:
        return page(v.web.templates, request, "reports.html", v.lang, values, 422)
    period = form.period
    dimensions = (period.by, *(b.dimension for b in BREAKDOWNS))
    found = await asyncio.gather(*(_report(v, period, d) for d in dimensions))
    breakdowns = {b.key: r.rows for b, r in zip(BREAKDOWNS, found[1:], strict=True)}
    shown = report_view(period, found[0].rows, found[0].total, breakdowns, v.lang.gettext)
    values |= {"shown": shown}
    return page(v.web.templates, request, "reports.html", v.lang, values)


@router.get("/ui/reports/export")
async def export(request: Request, v: Visitor, of: str = "", format: str = "csv") -> Response:
    """What the page shows as the API's CSV or XLSX (headings in the page's language):
    the period's rows over time, every period included, or one breakdown (``of``)."""
    form = _picked(request, v)
    if form.period is None:
        said = {name: p.said(v.lang.gettext) for name, p in form.problems.items()}
        raise InvalidFields(said)
    if format not in EXPORTS:
        raise InvalidFields({"format": "is csv or xlsx"})
    period = form.period
    by = export_dimension(of, period)
    report = await _report(v, period, by)
    if by in PERIODS:
        report = TicketReport(report.request, over_time(report.rows, period_keys(period)),
                              report.total)  # fmt: skip
    name = f"tickets-by-{by.value}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        lines = csv_lines(report, v.lang.tag)
        return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(xlsx_bytes(report, v.lang.tag), media_type=XLSX, headers=disposition)
