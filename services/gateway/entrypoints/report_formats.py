"""Tables as CSV (streamed row by row) or as an XLSX workbook: a report (with a chart) and
a ticket list's export."""

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Any

import xlsxwriter

from services.gateway.app.reading import TicketReport
from services.gateway.domain.reports import COLUMNS, PERIODS


def headings(lang: str) -> list[str]:
    return [labels[lang] for labels in COLUMNS.values()]


def _cells(row: dict[str, Any]) -> list[Any]:
    return [row.get(name) for name in COLUMNS]


class _CsvLines:
    """Each row as the one CSV line it becomes."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def line(self, cells: Iterable[Any]) -> str:
        self._writer.writerow(cells)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def csv_lines(report: TicketReport, lang: str) -> Iterator[str]:
    lines = _CsvLines()
    for cells in [headings(lang), *(_cells(r) for r in [*report.rows, report.total])]:
        yield lines.line(cells)


async def csv_stream(header: list[str], rows: AsyncIterable[list[Any]]) -> AsyncIterator[str]:
    """A table as CSV, a line as each row arrives."""
    lines = _CsvLines()
    yield lines.line(header)
    async for cells in rows:
        yield lines.line(cells)


def _table(book: Any, sheet: Any, header: list[str], rows: Iterable[list[Any]]) -> int:
    """The heading in bold and the rows under it; how many rows were written."""
    sheet.write_row(0, 0, header, book.add_format({"bold": True}))
    count = 0
    for count, cells in enumerate(rows, start=1):
        sheet.write_row(count, 0, ["" if v is None else v for v in cells])
    sheet.set_column(0, len(header) - 1, 14)
    return count


def xlsx_table(sheet_name: str, header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """A table as a workbook of one sheet."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    _table(book, book.add_worksheet(sheet_name[:31]), header, rows)
    book.close()
    return output.getvalue()


def xlsx_bytes(report: TicketReport, lang: str) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet(report.request.by.value)
    _table(book, sheet, headings(lang), (_cells(r) for r in [*report.rows, report.total]))
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
