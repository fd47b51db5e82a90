"""Each formal notice, issued by its move, read back from its PDF: its title, number, fields and wording."""

import io
import re

import pytest
import qrcode
from pypdf import PdfReader

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.notices.documents import QR_MODULE, NoticeFontMissing
from guangyuan_jobs.notices.models import Notice, NoticeKind
from guangyuan_jobs.notices.services.notices import notice_issue
from guangyuan_jobs.policy.models import PolicyParameter
from tests.notices.conftest import case_at, move, new_case, pdf_text

pytestmark = pytest.mark.django_db


def _notice(case, kind) -> Notice:
    return Notice.objects.get(case=case, kind=kind)


def test_a_submitted_claim_gets_an_electronic_receipt_with_its_reference(crew, commit):
    with commit():
        case = new_case(crew.applicant)
    notice = _notice(case, NoticeKind.RECEIPT)
    text = pdf_text(notice)
    person = crew.applicant.person
    assert "电子回执" in text and case.ref in text and person.name in text
    assert person.id_number_masked in text  # masked, never the full number
    assert "不代表申请已被受理" in text
    assert re.fullmatch(r"HZ-\d{4}-\d{6}", notice.number)
    assert "广就回〔" in text
    assert "广元市利州区就业创业促进中心" in text
    assert notice.issued_by is None  # the system issues a receipt; the applicant only filed
    assert AuditEvent.objects.filter(event_type="notices.notice.issue", details__number=notice.number).exists()


def test_the_receipt_carries_a_qr_code_of_the_case_reference(crew, commit):
    with commit():
        case = new_case(crew.applicant)
    with _notice(case, NoticeKind.RECEIPT).file.open("rb") as handle:
        content = PdfReader(io.BytesIO(handle.read())).pages[0].get_contents().get_data().decode("latin-1")
    # The QR's dark modules are squares of one size; rebuild the grid from them and compare it with the
    # QR code of the reference.
    size = f"{QR_MODULE:.5g}"
    squares = [(float(x), float(y)) for x, y, w, h in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", content)
               if f"{float(w):.5g}" == size and f"{float(h):.5g}" == size]
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(case.ref)
    code.make(fit=True)
    expected = code.get_matrix()
    n = len(expected)
    drawn = {(round(x / QR_MODULE), n - 1 - round(y / QR_MODULE)) for x, y in squares}
    assert drawn == {(col, row) for row in range(n) for col in range(n) if expected[row][col]}


def test_acceptance_notice_gives_the_time_limit_and_the_decision_date(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    text = pdf_text(_notice(case, NoticeKind.ACCEPTANCE))
    assert "受理通知书" in text and case.ref in text and "决定予以受理" in text
    assert "5个工作日内" in text
    assert f"{case.due_date.year}年{case.due_date.month}月{case.due_date.day}日前" in text
    assert _notice(case, NoticeKind.ACCEPTANCE).issued_by == crew.intake


def test_correction_notice_lists_every_missing_item_at_once_with_its_due_date(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept_incomplete", crew.intake,
                    data={"missing_materials": [{"code": "ID_CARD", "label": ""}, {"code": "BANK", "label": ""},
                                                {"code": "lease", "label": "租赁合同"}]})
    items = list(case.missing_materials.order_by("id"))
    due = items[0].due_date
    text = pdf_text(_notice(case, NoticeKind.CORRECTION))
    assert "材料补正告知书" in text and "一次性告知" in text
    for label in ("身份证", "银行卡", "租赁合同"):
        assert f"{label}（补正期限：{due.year}年{due.month}月{due.day}日前）" in text
    acceptance = pdf_text(_notice(case, NoticeKind.ACCEPTANCE))
    assert "容缺受理" in acceptance and "材料补正告知书" in acceptance


def test_non_acceptance_gives_the_reason_and_the_appeal_route_from_policy(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "reject", crew.intake, comment="申请人不在本市登记失业")
    text = pdf_text(_notice(case, NoticeKind.NON_ACCEPTANCE))
    assert "不予受理通知书" in text and "理由：申请人不在本市登记失业" in text
    assert "60日内向利州区人民政府申请行政复议" in text
    assert "6个月内依法向人民法院提起行政诉讼" in text


def test_appeal_periods_follow_the_policy_register(crew, commit):
    PolicyParameter.objects.filter(key="notices.appeal.reconsideration_days").update(value=90)
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "reject", crew.intake, comment="不符合条件")
    assert "90日内" in pdf_text(_notice(case, NoticeKind.NON_ACCEPTANCE))


def test_approval_and_refusal_decisions(crew, commit):
    approved = case_at("reviewed", crew)
    with commit():
        approved = move(approved, "approve", crew.approver)
    text = pdf_text(_notice(approved, NoticeKind.APPROVAL))
    assert "准予决定书" in text and "决定予以批准" in text and "人民币1,000.00元" in text and "公示" in text

    other = case_at("accepted", crew, applicant=_second_applicant())  # one open claim per person and kind
    with commit():
        refused = move(other, "refuse", crew.reviewer, comment="参保记录显示申请期间已就业")
    text = pdf_text(_notice(refused, NoticeKind.REFUSAL))
    assert "不予批准决定书" in text and "理由：参保记录显示申请期间已就业" in text
    assert "行政复议" in text and "行政诉讼" in text


def _second_applicant():
    from tests.factories import make_user

    return make_user("applicant_person")


def test_a_reason_cannot_inject_markup_into_the_pdf(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "reject", crew.intake, comment="<b>材料</b> & 证明 <font size=40>不符</font>")
    assert "<b>材料</b>&证明<fontsize=40>不符</font>" in pdf_text(_notice(case, NoticeKind.NON_ACCEPTANCE))


def test_issuing_again_returns_the_same_notice(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    first = _notice(case, NoticeKind.ACCEPTANCE)
    again = notice_issue(case=case, kind=NoticeKind.ACCEPTANCE, actor=crew.reviewer)
    assert again.pk == first.pk and Notice.objects.filter(case=case, kind=NoticeKind.ACCEPTANCE).count() == 1


def test_numbers_run_per_kind_and_year(crew, commit):
    with commit():
        first = new_case(crew.applicant)
        second = new_case(_second_applicant())
    a, b = _notice(first, NoticeKind.RECEIPT).number, _notice(second, NoticeKind.RECEIPT).number
    assert int(b[-6:]) == int(a[-6:]) + 1


def test_a_notice_the_case_never_called_for_is_refused(crew):
    case = new_case(crew.applicant)
    with pytest.raises(ApplicationError) as err:
        notice_issue(case=case, kind=NoticeKind.APPROVAL, actor=crew.approver)
    assert err.value.code == "notice_not_applicable"


def test_without_a_chinese_font_issuing_fails_with_a_clear_message(crew, no_font, commit, sms_outbox):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)  # the move and its SMS go ahead; the notice waits
    assert not Notice.objects.filter(case=case, kind=NoticeKind.ACCEPTANCE).exists()
    assert len(sms_outbox) == 1
    with pytest.raises(NoticeFontMissing) as err:
        notice_issue(case=case, kind=NoticeKind.ACCEPTANCE, actor=crew.intake)
    assert err.value.http_status == 503 and "fonts-wqy-zenhei" in str(err.value.message)


def test_a_return_for_correction_tells_what_to_correct(crew, commit):
    case = case_at("accepted", crew)
    with commit():
        case = move(case, "return", crew.reviewer, comment="银行卡户名与申请人姓名不一致")
    text = pdf_text(_notice(case, NoticeKind.CORRECTION))
    assert "材料补正告知书" in text and "银行卡户名与申请人姓名不一致" in text and "重新提交申请" in text
