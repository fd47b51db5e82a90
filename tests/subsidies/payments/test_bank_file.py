"""The bank's file: full account numbers only inside it and only for users who may see them, never a formula;
the return file read safely."""

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ForbiddenError
from subsidies.models import PaymentBatch
from subsidies.services import payments
from tests.conftest import full_id_numbers_in
from tests.subsidies.payments.conftest import payable_case, return_file

pytestmark = pytest.mark.django_db
UI = PaymentBatch.FundSource.UI_FUND
HOSTILE = "=cmd|' /C calc'!A0"


def approved_batch(crew):
    batch = payments.payment_batch_create(fund_source=UI, actor=crew.finance)
    batch = payments.payment_batch_lock(batch=batch, actor=crew.finance)
    return payments.payment_batch_approve(batch=batch, actor=crew.finance2)


def finance_without_reveal() -> User:
    """A finance clerk whose role lacks the reveal permission (a site may set roles up so)."""
    user = User.objects.create_user(username="payclerk", password="x", kind=User.Kind.STAFF,
                                    scope=User.Scope.WHOLE_CITY)
    user.user_permissions.add(Permission.objects.get(codename="manage_paymentbatch"),
                              Permission.objects.get(codename="view_case"))
    return User.objects.get(pk=user.pk)


def test_bank_file_holds_full_accounts_and_no_formula(crew, client):
    hostile = payable_case(crew, name=HOSTILE, amount="999.99")
    plain = payable_case(crew, amount="100.00")
    batch = payments.payment_batch_export(batch=approved_batch(crew), actor=crew.finance2)

    client.force_login(crew.finance3)
    response = client.get(f"/subsidies/payment-batches/{batch.ref}/bank-file/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    rows = {row[5]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[hostile.ref][1] == "'" + HOSTILE
    for case in (hostile, plain):
        full = case.applicant_person.bank_account
        assert rows[case.ref][2] == full and len(full) == 19
        assert float(rows[case.ref][4]) == float(case.approved_amount)
    assert not full_id_numbers_in(str(list(sheet.iter_rows(values_only=True))))
    assert AuditEvent.objects.filter(event_type="subsidies.payment_batch_downloaded", actor=crew.finance3,
                                     object_id=batch.ref).exists()

    # The batch page itself shows masked accounts only.
    page = client.get(f"/subsidies/payment-batches/{batch.ref}/").content.decode()
    assert plain.applicant_person.bank_account_masked in page
    assert plain.applicant_person.bank_account not in page


def test_without_the_reveal_permission_no_bank_file(crew, client):
    payable_case(crew)
    clerk = finance_without_reveal()
    batch = approved_batch(crew)
    with pytest.raises(ForbiddenError):
        payments.payment_batch_export(batch=batch, actor=clerk)
    assert AuditEvent.objects.filter(event_type="registry.reveal_denied", actor=clerk, outcome="denied").exists()
    batch.refresh_from_db()
    assert batch.status == "approved" and not batch.bank_file
    assert "export" not in payments.payment_batch_actions_for(user=clerk, batch=batch)

    batch = payments.payment_batch_export(batch=batch, actor=crew.finance2)
    client.force_login(clerk)
    assert client.get(f"/subsidies/payment-batches/{batch.ref}/bank-file/").status_code == 403
    page = client.get(f"/subsidies/payment-batches/{batch.ref}/")
    assert page.status_code == 200 and b"bank-file" not in page.content


@pytest.mark.parametrize(("rows", "code"), [
    ([], "return_mismatch"),  # the transfer is missing
    ([("XX-2026-UNKNOWN", "成功", "")], "return_mismatch"),
    ([("{ref}", "成功", ""), ("{ref}", "成功", "")], "return_mismatch"),
    ([("{ref}", "maybe", "")], "return_invalid"),
    ([("{ref}", "失败", "")], "return_invalid"),  # a failure needs its reason
    ([("{ref}", "=1+1", "")], "return_invalid"),  # a formula is refused, never evaluated
])
def test_a_bad_return_file_changes_nothing(crew, rows, code):
    case = payable_case(crew)
    batch = payments.payment_batch_export(batch=approved_batch(crew), actor=crew.finance2)
    upload = return_file([tuple(cell.format(ref=case.ref) for cell in row) for row in rows])
    with pytest.raises(ApplicationError) as refused:
        payments.payment_batch_reconcile(batch=batch, return_file=upload, actor=crew.finance3)
    assert refused.value.code == code
    batch.refresh_from_db()
    assert batch.status == "exported" and not batch.items.exclude(status="included").exists()


def test_return_amount_must_match_and_a_zip_bomb_is_refused(crew):
    case = payable_case(crew, amount="500.00")
    batch = payments.payment_batch_export(batch=approved_batch(crew), actor=crew.finance2)
    upload = return_file([(case.ref, "成功", "", "499.00")], header=("业务参考号", "处理结果", "失败原因", "金额(元)"))
    with pytest.raises(ApplicationError) as mismatch:
        payments.payment_batch_reconcile(batch=batch, return_file=upload, actor=crew.finance3)
    assert mismatch.value.code == "return_mismatch"

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (5 * 1024 * 1024))
    bomb = SimpleUploadedFile("bomb.xlsx", buffer.getvalue())
    with pytest.raises(ApplicationError) as refused:
        payments.payment_batch_reconcile(batch=batch, return_file=bomb, actor=crew.finance3)
    assert refused.value.code == "xlsx_zip_bomb"


def test_the_approver_of_a_case_may_not_record_its_payment(crew):
    case = payable_case(crew)
    batch = payments.payment_batch_export(batch=approved_batch(crew), actor=crew.finance2)
    crew.approver.groups.add(Group.objects.get(name="finance"))
    approver = User.objects.get(pk=crew.approver.pk)
    with pytest.raises(ForbiddenError) as refused:
        payments.payment_batch_reconcile(batch=batch, return_file=return_file([(case.ref, "成功", "")]),
                                         actor=approver)
    assert refused.value.code == "maker_checker"
    batch.refresh_from_db()
    assert batch.status == "exported"
