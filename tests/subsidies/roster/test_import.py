"""The roster import: preview with bad rows and their reasons, the rejected-rows file, the real import, and
re-import changing nothing."""

import datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.policy.selectors import working_days_add
from guangyuan_jobs.registry.models import Enterprise
from subsidies.models import RosterImport, StablePostRefundDetail
from subsidies.services import roster as services
from tests.factories import EnterpriseFactory, make_user
from tests.subsidies.roster.conftest import YEAR, code, mixed_rows, row, xlsx_bytes

pytestmark = pytest.mark.django_db


def by_row(roster) -> dict[int, dict]:
    return {entry["row"]: entry for entry in roster.preview}


def test_preview_counts_every_row_and_changes_nothing(entry, run_import):
    roster = run_import(entry, xlsx_bytes(mixed_rows()))
    assert roster.status == RosterImport.Status.PREVIEWED
    assert (roster.rows_total, roster.rows_processed) == (9, 9)
    assert (roster.rows_eligible, roster.rows_ineligible, roster.rows_rejected) == (3, 1, 5)
    assert (roster.rows_created, roster.rows_unchanged) == (0, 0)
    assert not Case.objects.exists() and not Enterprise.objects.exists()


def test_preview_gives_each_bad_row_its_row_number_and_reason(entry, run_import):
    rows = by_row(run_import(entry, xlsx_bytes(mixed_rows())))
    assert [rows[n]["outcome"] for n in range(2, 11)] == [
        "eligible", "eligible", "eligible", "ineligible", "rejected", "rejected", "rejected", "rejected", "rejected"]
    assert [rows[n]["amount"] for n in (2, 3, 4)] == ["60000.00", "150000.00", "4800.00"]
    assert len(rows[5]["reasons"]) == 1  # the dishonesty finding of the refund rules
    assert "校验" in rows[6]["reasons"][0] and rows[6]["reasons"][0].startswith("统一社会信用代码")
    assert rows[7]["reasons"][0].startswith("上年度实际缴纳失业保险费") and "0" in rows[7]["reasons"][0]
    assert "公式" in rows[8]["reasons"][0] and "=1+1" in rows[8]["reasons"][0]
    assert rows[9]["reasons"][0].startswith("单位名称")
    assert "第 2 行" in rows[10]["reasons"][0]


def test_layoff_rate_and_contribution_limits_make_a_firm_ineligible(entry, run_import):
    rows = by_row(run_import(entry, xlsx_bytes([
        row(1, staff=100, claimants=6),   # 6 % > 5.5 %
        row(2, staff=30, claimants=7),    # 23 % > 20 % for ≤30 staff
        row(3, months=11),                # fewer than 12 months
        row(4, staff=30, claimants=6),    # exactly 20 %: eligible
    ])))
    assert [rows[n]["outcome"] for n in (2, 3, 4, 5)] == ["ineligible", "ineligible", "ineligible", "eligible"]


def test_rejected_file_lists_the_bad_rows_and_holds_no_formula(entry, run_import):
    roster = run_import(entry, xlsx_bytes(mixed_rows()))
    assert roster.rejected_file
    with roster.rejected_file.open("rb") as handle:
        book = openpyxl.load_workbook(handle)
    sheet = book.active
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert all(cell.data_type != "f" for cell in cells)
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert [line[0] for line in values[1:]] == [5, 6, 7, 8, 9, 10]
    formula_row = next(line for line in values if line[0] == 8)
    assert "'=1+1" in formula_row and "公式" in formula_row[-1]


def test_real_import_creates_refunds_waiting_for_confirmation(entry, run_import, commit, sms_outbox):
    preview = run_import(entry, xlsx_bytes(mixed_rows()))
    roster = commit(entry, preview)
    assert roster.status == RosterImport.Status.COMPLETED and roster.preview_of == preview
    assert (roster.rows_created, roster.rows_eligible, roster.rows_unchanged) == (3, 3, 0)
    cases = Case.objects.filter(kind="WGFH").order_by("requested_amount")
    assert [c.requested_amount for c in cases] == [Decimal("4800.00"), Decimal("60000.00"), Decimal("150000.00")]
    assert {c.status for c in cases} == {CaseStatus.DRAFT} and {c.created_by for c in cases} == {entry}
    due = working_days_add(timezone.localdate(), 20).date
    detail = StablePostRefundDetail.objects.get(enterprise__credit_code=code(2))
    assert detail.channel == "direct" and detail.roster_import == roster and detail.confirmation_due == due
    assert (detail.size_class, detail.average_insured_staff, detail.premium_year) == ("large", 400, YEAR)
    assert detail.case.period_start == datetime.date(YEAR, 1, 1)
    assert detail.case.details["quote"]["amount"] == "150000.00"
    assert Enterprise.objects.filter(credit_code=code(1), name="广元测试1有限公司").exists()
    assert AuditEvent.objects.filter(event_type="subsidies.roster_import_finished", object_id=str(roster.pk)).exists()
    assert AuditEvent.objects.filter(event_type="case.create").count() == 3


def test_a_second_import_of_the_same_file_changes_nothing(entry, run_import, commit):
    content = xlsx_bytes(mixed_rows())
    commit(entry, run_import(entry, content))
    cases_before = set(Case.objects.values_list("ref", flat=True))
    again = run_import(entry, content, dry_run=False)
    assert again.status == RosterImport.Status.COMPLETED
    assert (again.rows_created, again.rows_unchanged, again.rows_eligible) == (0, 3, 0)
    assert (again.rows_ineligible, again.rows_rejected) == (1, 5)
    assert set(Case.objects.values_list("ref", flat=True)) == cases_before
    assert by_row(again)[2]["case"] in cases_before


def test_an_interrupted_import_run_again_counts_its_own_refunds_as_created(entry, run_import, commit):
    roster = commit(entry, run_import(entry, xlsx_bytes(mixed_rows())))
    # The worker died after the last chunk committed: the task is delivered again and the import restarts.
    RosterImport.objects.filter(pk=roster.pk).update(status=RosterImport.Status.RUNNING)
    services.roster_import_run(import_id=roster.pk)
    roster.refresh_from_db()
    assert roster.status == RosterImport.Status.COMPLETED
    assert (roster.rows_created, roster.rows_unchanged) == (3, 0)
    assert Case.objects.filter(kind="WGFH").count() == 3


def test_a_finished_import_is_not_run_twice(entry, run_import, commit):
    roster = commit(entry, run_import(entry, xlsx_bytes(mixed_rows())))
    services.roster_import_run(import_id=roster.pk)
    assert Case.objects.filter(kind="WGFH").count() == 3
    assert AuditEvent.objects.filter(event_type="subsidies.roster_import_finished",
                                     object_id=str(roster.pk)).count() == 1


def test_committing_a_preview_twice_gives_the_same_import(entry, run_import, commit):
    preview = run_import(entry, xlsx_bytes([row(1)]))
    first = commit(entry, preview)
    assert commit(entry, preview) == first
    assert Case.objects.filter(kind="WGFH").count() == 1


def test_a_roster_without_the_required_columns_fails_visibly(entry, run_import):
    roster = run_import(entry, xlsx_bytes([["x"]], header=["统一社会信用代码", "单位名称"]))
    assert roster.status == RosterImport.Status.FAILED
    assert "企业规模" in roster.error
    assert AuditEvent.objects.filter(event_type="subsidies.roster_import_failed").exists()


def test_import_by_a_district_clerk_rejects_firms_of_other_districts(run_import, commit):
    clerk = make_user("entry", region_code="510821")
    roster = commit(clerk, run_import(clerk, xlsx_bytes([row(1)])))
    assert (roster.rows_created, roster.rows_rejected) == (0, 1)
    assert "管辖范围" in by_row(roster)[2]["reasons"][0]
    assert not Case.objects.exists()


def test_a_firm_is_texted_when_its_refund_awaits_confirmation(entry, run_import, commit, sms_outbox):
    EnterpriseFactory(credit_code=code(1), contact_phone="13900001111")
    commit(entry, run_import(entry, xlsx_bytes([row(1), row(2)])))
    assert [m.phone for m in sms_outbox] == ["13900001111"]
    assert "60,000.00" in sms_outbox[0].text and "确认" in sms_outbox[0].text
