"""Exporting a statistical form for filing: checked by its balance formulas first, laid out as the paper form,
recorded and audited."""

import hashlib
import io
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from guangyuan_jobs.registry.models import Region
from stat_reports.models import StatFormFiling
from stat_reports.selectors import FormResult, form_result

PERMISSION = "stat_reports.view_statforms"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _area_name(region: str | None) -> str:
    if region is None:
        return _("Guangyuan (whole city)")
    area = Region.objects.filter(pk=region).first()
    return area.name if area else region


def _workbook(result: FormResult, *, prepared_by: str) -> bytes:
    form, period = result.form, result.period
    book = Workbook()
    sheet = book.active
    sheet.title = str(form.title)[:31]
    width = 2 + len(form.columns)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, str(form.title)).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.cell(2, 1, _("Reporting unit: Guangyuan Employment and Entrepreneurship Promotion Center (%(area)s)")
               % {"area": _area_name(result.region)})
    sheet.cell(3, 1, _("Period: %(year)d-%(month)02d (%(start)s to %(end)s)")
               % {"year": period.year, "month": period.month, "start": period.start, "end": period.end})
    sheet.cell(3, width, _("Unit: %(unit)s") % {"unit": form.unit})
    header = [_("Indicator"), _("Row")] + [str(column.label) for column in form.columns]
    for index, text in enumerate(header, start=1):
        cell = sheet.cell(5, index, text)
        cell.font, cell.border, cell.alignment = Font(bold=True), BOX, Alignment(horizontal="center")
    for number, row in enumerate(result.rows, start=1):
        line = 5 + number
        sheet.cell(line, 1, str(row.label)).border = BOX
        sheet.cell(line, 2, number).border = BOX
        for offset, column in enumerate(form.columns, start=3):
            cell = sheet.cell(line, offset, result.values[row.code][column.code])
            cell.border = BOX
            if column.money:
                cell.number_format = "0.00"
    footer = 7 + len(result.rows)
    sheet.cell(footer, 1, _("Head of unit:"))
    sheet.cell(footer, 2, _("Prepared by: %(name)s") % {"name": prepared_by})
    sheet.cell(footer, width, _("Date: %(date)s") % {"date": timezone.localdate().isoformat()})
    sheet.column_dimensions["A"].width = 48
    checks = book.create_sheet(_("Checks"))
    checks.append([_("Balance formula"), _("Holds")])
    for check in result.checks:
        checks.append([check.label, _("yes") if check.holds else _("no")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _jsonable(result: FormResult) -> dict:
    return {row: {column: str(value) for column, value in cells.items()} for row, cells in result.values.items()}


@transaction.atomic
def stat_form_export(*, form: str, year: int, month: int, region: str | None, actor) -> tuple[StatFormFiling, bytes]:
    """The form as an .xlsx ready to file, refused while any balance formula fails; the filing is recorded."""
    if not (actor and actor.is_authenticated and not actor.is_applicant and actor.has_perm(PERMISSION)):
        raise ForbiddenError(_("You may not produce the statistical forms."))
    result = form_result(form, year=year, month=month, user=actor, region=region)
    failed = [check.label for check in result.checks if not check.holds]
    if failed:
        raise ApplicationError(_("The form does not balance, so it cannot be filed: %(checks)s. Correct the records "
                                 "behind it first.") % {"checks": "; ".join(failed)}, code="form_unbalanced")
    content = _workbook(result, prepared_by=actor.display_name or actor.get_username())
    values = _jsonable(result)
    filing = StatFormFiling.objects.create(
        form=form, year=year, month=month, region_id=region, values=values, created_by=actor,
        sha256=hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest())
    audit_log(actor=actor, event_type="stat_reports.form_exported", obj=filing,
              details={"form": form, "period": result.period.label, "region": region})
    return filing, content
