"""A report as CSV (streamed row by row) or as an XLSX workbook with a chart."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import xlsxwriter

from services.gateway.app.reading import TicketReport
from services.gateway.domain.reports import COLUMNS, PERIODS


def headings(lang: str) -> list[str]:
    return [labels[lang] for labels in COLUMNS.values()]


def _cells(row: dict[str, Any]) -> list[Any]:
    return [row.get(name) for name in COLUMNS]


def csv_lines(report: TicketReport, lang: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for cells in [headings(lang), *(_cells(r) for r in [*report.rows, report.total])]:
        writer.writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def xlsx_bytes(report: TicketReport, lang: str) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(report.request.by.value)
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, headings(lang), bold)
    rows = [*report.rows, report.total]
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, ["" if v is None else v for v in _cells(row)])
    sheet.set_column(0, len(COLUMNS) - 1, 14)
    if report.rows:
        _chart(book, sheet, len(report.rows), report.request.by in PERIODS)
    book.close()
    return output.getvalue()


def _chart(book: Any, sheet: Any, count: int, over_time: bool) -> None:
    """Opened and resolved per group: a line over time, columns otherwise."""
    chart = book.add_chart({"type": "line" if over_time else "column"})
    name = sheet.get_name()
    for column in (1, 2):  # opened, resolved
        chart.add_series({
            "name": [name, 0, column],
            "categories": [name, 1, 0, count, 0],
            "values": [name, 1, column, count, column],
        })  # fmt: skip
    sheet.insert_chart(count + 3, 0, chart)
