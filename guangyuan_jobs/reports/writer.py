"""Streaming a report into an .xlsx file with openpyxl's write-only mode (memory flat in the row count).

Speed matters at a million rows, so the row path is kept lean: plain values wherever Excel needs no
style (openpyxl turns those into cells itself), one reused styled cell per money or date column, label
maps built once per export, and the formula guard applied to strings only.
"""

import datetime
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from guangyuan_jobs.core.masking import mask_id_number, mask_phone
from guangyuan_jobs.reports import registry
from guangyuan_jobs.reports.rules import FORMULA_START, MAX_SHEET_ROWS, cell_text

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class RowPlan:
    """What to fetch (values_list paths) and how to turn one fetched tuple into the cells of one row."""

    paths: tuple[str, ...]
    cells: tuple[Callable[[tuple], Any], ...]


def _values_to_row(sheet, values, row_idx):
    """openpyxl's WriteOnlyWorksheet._values_to_row, taking ready cells first.

    openpyxl 3.1 first tries every value as a plain value and takes a ready (styled) cell only after a
    ValueError whose message formats the cell's repr: a few microseconds per money or date cell, which is
    a tenth of the export's time. Plain values still go through openpyxl's own type inference.
    """
    cell = WriteOnlyCell(sheet)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if value.__class__ is Cell:
            value.row, value.column = row_idx, col_idx
            yield value
            continue
        cell.value = value
        cell.row, cell.column = row_idx, col_idx
        yield cell
        if cell.has_style:  # openpyxl styled it (a datetime value): the next value needs a clean cell
            cell = WriteOnlyCell(sheet)


def _styled_cell(sheet, number_format: str) -> Cell:
    # openpyxl writes a row's cells before the next row is built, so one cell per column is reused.
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell


def _text(value):
    """The formula guard, inlined for the common case: printable text not starting a formula passes."""
    if value.__class__ is str and value and (value[0] in FORMULA_START or not value.isprintable()):
        return cell_text(value)
    return value


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def _steps(column: registry.Column, *, full_values: bool, sheet) -> list[Callable[[Any], Any]]:
    """The conversions of one column's value, in order."""
    steps: list[Callable[[Any], Any]] = []
    if full_values and column.full_source and column.reveal:
        steps.append(column.reveal)
    if column.labels is not None:
        labels = {key: str(label) for key, label in column.labels().items()}
        steps.append(lambda value: labels.get(value, value))
    kind = column.kind
    if kind == registry.MONEY or kind == registry.DATE:
        cell = _styled_cell(sheet, MONEY_FORMAT if kind == registry.MONEY else DATE_FORMAT)
        to_value = _local_date if kind == registry.DATE else None

        def styled(value):
            if value is None:
                return None
            cell.value = to_value(value) if to_value else value
            return cell

        steps.append(styled)
    elif kind == registry.NUMBER:
        pass
    else:
        if kind == registry.ID_NUMBER and not full_values:
            # Masked whatever the source holds: a report pointing at a full number still never leaks it.
            steps.append(mask_id_number)
        elif kind == registry.PHONE and not full_values:
            steps.append(mask_phone)
        steps.append(_text)
    return steps


def _getter(at: int, steps: list[Callable[[Any], Any]]) -> Callable[[tuple], Any]:
    """row -> cell value, with as few Python frames as the steps allow."""
    if not steps:
        return operator.itemgetter(at)
    if len(steps) == 1:
        step = steps[0]
        if step is _text:
            def get(row):
                value = row[at]
                if value.__class__ is str and value and (value[0] in FORMULA_START or not value.isprintable()):
                    return cell_text(value)
                return value
            return get
        return lambda row: step(row[at])

    def get_chain(row):
        value = row[at]
        for step in steps:
            value = step(value)
        return value

    return get_chain


def row_plan(columns: Sequence[registry.Column], *, full_values: bool, sheet) -> RowPlan:
    paths: list[str] = []
    index: dict[str, int] = {}

    def position(path: str) -> int:
        if path not in index:
            index[path] = len(paths)
            paths.append(path)
        return index[path]

    cells = []
    for column in columns:
        steps = _steps(column, full_values=full_values, sheet=sheet)
        if callable(column.source):
            positions = [position(p) for p in column.needs]

            def get(row, positions=positions, source=column.source, steps=steps):
                value = source(*[row[i] for i in positions])
                for step in steps:
                    value = step(value)
                return value
        else:
            revealed = full_values and column.full_source and column.reveal
            get = _getter(position(column.full_source if revealed else column.source), steps)
        cells.append(get)
    return RowPlan(paths=tuple(paths), cells=tuple(cells))


class ReportWorkbook:
    """A cover sheet first, then the data sheet(s); the cover is filled last, when the row count is known."""

    def __init__(self, *, title: str, columns: Sequence[registry.Column], full_values: bool):
        self.book = Workbook(write_only=True)
        # Excel refuses these characters in sheet names; titles come from report labels.
        self.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:28]
        self.columns = tuple(columns)
        self.full_values = full_values
        self.cover = self.book.create_sheet(_("Cover")[:31])
        self.sheets = 0
        self.sheet = self._data_sheet()
        self.plan = row_plan(self.columns, full_values=full_values, sheet=self.sheet)

    def _data_sheet(self):
        self.sheets += 1
        title = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        sheet = self.book.create_sheet(title)
        sheet._values_to_row = partial(_values_to_row, sheet)
        for number, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(number)].width = column.width
        sheet.freeze_panes = "A2"
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=cell_text(str(column.header)))
            cell.font, cell.fill = bold, fill
            header.append(cell)
        sheet.append(header)
        return sheet

    def write_rows(self, rows: Iterable[tuple], *, progress: Callable[[int], None], every: int) -> int:
        """Append every fetched row; call `progress(n)` every `every` rows. Returns the number written."""
        cells = self.plan.cells
        append = self.sheet.append
        written = 0
        in_sheet = 1  # the header
        next_report = every
        for row in rows:
            if in_sheet == MAX_SHEET_ROWS:
                # Excel's row limit: the rest goes on a continuation sheet with the same header. Styled
                # cells belong to their sheet, so the plan is rebuilt for it.
                self.sheet = self._data_sheet()
                self.plan = row_plan(self.columns, full_values=self.full_values, sheet=self.sheet)
                cells, append, in_sheet = self.plan.cells, self.sheet.append, 1
            append([get(row) for get in cells])
            in_sheet += 1
            written += 1
            if written == next_report:
                progress(written)
                next_report += every
        return written

    def write_cover(self, lines: Sequence[tuple[str, Any]]) -> None:
        self.cover.column_dimensions["A"].width = 18
        self.cover.column_dimensions["B"].width = 70
        bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        for label, value in lines:
            key = WriteOnlyCell(self.cover, value=cell_text(str(label)))
            key.font = bold
            shown = WriteOnlyCell(self.cover, value=cell_text(value) if isinstance(value, str) else value)
            shown.alignment = wrap
            self.cover.append([key, shown])

    def save(self, path) -> None:
        self.book.save(path)
