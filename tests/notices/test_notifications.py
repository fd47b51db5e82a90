"""Messages to applicants: once per event and recipient on each channel, across retries; failed sends retried
with a growing wait; reminders before the due date of missing materials; admins' words; the HTTP gateway."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from guangyuan_jobs.accounts.sms import SmsMessage
from guangyuan_jobs.casework.models import Case, MissingMaterial
from guangyuan_jobs.casework.tasks import notify_applicants
from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.gateways import HttpSmsGateway, SmsDeliveryError
from guangyuan_jobs.notices.models import MessageTemplate, Notification
from guangyuan_jobs.notices.services import notifications as service
from guangyuan_jobs.notices.services.notifications import (
    message_template_save,
    missing_material_reminders_send,
    notifications_retry_due,
    payment_failed_notify,
)
from guangyuan_jobs.policy.selectors import working_days_add
from tests.notices.conftest import case_at, move, new_case

pytestmark = pytest.mark.django_db
N = Notification


def test_acceptance_is_texted_and_posted_to_the_inbox_once(crew, commit, sms_outbox):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    phone = crew.applicant.person.phone
    assert [(m.phone, m.text) for m in sms_outbox] == [
        (phone, f"【广元就业】您的申请 {case.ref} 已受理，预计 {case.due_date.isoformat()} 前办结。")]
    inbox = N.objects.get(case=case, event="accept", channel=N.Channel.INBOX)
    assert inbox.user == crew.applicant and inbox.subject == "申请已受理" and inbox.read_at is None
    sms = N.objects.get(case=case, event="accept", channel=N.Channel.SMS)
    assert sms.status == N.Status.SENT and sms.attempts == 1 and sms.sent_at is not None


def test_a_retried_task_tells_nobody_twice(crew, commit, sms_outbox):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    # The broker redelivers the task (the worker died after sending, before acknowledging).
    notify_applicants.apply(args=([case.pk], "accept"))
    notify_applicants.apply(args=([case.pk], "accept"))
    assert len(sms_outbox) == 1
    assert N.objects.filter(case=case, event="accept").count() == 2  # one SMS, one inbox message


def test_the_database_refuses_a_second_message_for_one_event_recipient_and_channel(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    row = N.objects.get(case=case, event="accept", channel=N.Channel.SMS)
    with pytest.raises(IntegrityError), transaction.atomic():
        N.objects.create(event_key=row.event_key, event="accept", case=case, channel=N.Channel.SMS,
                         recipient_key=row.recipient_key, phone=row.phone, body="again")


def test_a_second_acceptance_after_a_correction_is_a_new_event(crew, commit, sms_outbox):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
        case = move(case, "return", crew.reviewer, comment="银行卡号不清楚")
        case.refresh_from_db()
        from guangyuan_jobs.casework import services

        case = services.case_transition(case=case, action="resubmit", actor=crew.applicant, version=case.version)
        case = move(case, "accept", crew.intake)
    accepted = [m for m in sms_outbox if "已受理" in m.text]
    assert len(accepted) == 2
    assert any("已退回补正。理由：银行卡号不清楚" in m.text for m in sms_outbox)


class FlakyGateway:
    failures = 0
    sent: list = []

    def send(self, message: SmsMessage) -> None:
        if FlakyGateway.failures > 0:
            FlakyGateway.failures -= 1
            raise SmsDeliveryError("gateway answered HTTP 503")
        FlakyGateway.sent.append(message)


@pytest.fixture
def flaky(settings):
    from guangyuan_jobs.accounts import sms

    settings.SMS_GATEWAY = "tests.notices.test_notifications.FlakyGateway"
    sms._gateway.cache_clear()
    FlakyGateway.sent = []
    yield FlakyGateway
    sms._gateway.cache_clear()


def test_a_failed_send_is_retried_later_with_a_growing_wait_then_sent_once(crew, commit, flaky):
    flaky.failures = 2
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    sms = N.objects.get(case=case, event="accept", channel=N.Channel.SMS)
    assert sms.status == N.Status.FAILED and sms.attempts == 1 and "503" in sms.last_error
    first_wait = sms.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_wait <= rules.retry_delay(1)

    assert notifications_retry_due() == 0  # not due yet: nothing is sent early
    N.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert notifications_retry_due() == 0
    sms.refresh_from_db()
    assert sms.status == N.Status.FAILED and sms.attempts == 2
    assert sms.next_attempt_at - timezone.now() > first_wait * 3  # 1, 4, 16... minutes

    N.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert notifications_retry_due() == 1
    assert notifications_retry_due() == 0
    sms.refresh_from_db()
    assert sms.status == N.Status.SENT and sms.attempts == 3 and len(flaky.sent) == 1


def test_a_send_that_keeps_failing_is_given_up_and_shown(crew, commit, flaky):
    flaky.failures = 99
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    sms = N.objects.get(case=case, event="accept", channel=N.Channel.SMS)
    for _ in range(rules.SMS_MAX_ATTEMPTS):
        N.objects.filter(pk=sms.pk, status=N.Status.FAILED).update(next_attempt_at=timezone.now())
        notifications_retry_due()
    sms.refresh_from_db()
    assert sms.status == N.Status.ABANDONED and sms.attempts == rules.SMS_MAX_ATTEMPTS and not flaky.sent


def test_a_send_whose_outcome_is_unknown_is_not_sent_again(crew, commit, sms_outbox):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    sms = N.objects.get(case=case, event="accept", channel=N.Channel.SMS)
    # A worker claimed it, then died before recording the gateway's answer.
    N.objects.filter(pk=sms.pk).update(status=N.Status.SENDING, next_attempt_at=timezone.now()
                                       - datetime.timedelta(hours=1))
    notifications_retry_due()
    sms.refresh_from_db()
    assert sms.status == N.Status.ABANDONED and len(sms_outbox) == 1


def test_an_administrators_words_are_used_and_audited(crew, commit, sms_outbox, staff):
    admin = staff("admin")
    template = MessageTemplate.objects.get(event="accept")
    template.sms_text = "【广元就业】{{ ref }} 受理了，{{ due }} 前办完。"
    message_template_save(template=template, actor=admin)
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept", crew.intake)
    assert sms_outbox[-1].text == f"【广元就业】{case.ref} 受理了，{case.due_date.isoformat()} 前办完。"
    from guangyuan_jobs.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="notices.template.change", actor=admin).exists()


def test_a_template_with_tags_is_refused(staff):
    from guangyuan_jobs.core.errors import ApplicationError

    template = MessageTemplate.objects.get(event="accept")
    template.sms_text = "{% load static %}{{ ref }}"
    with pytest.raises(ApplicationError):
        message_template_save(template=template, actor=staff("admin"))


def test_an_enterprise_applicant_is_texted_at_its_contact_phone(commit, sms_outbox, crew):
    from tests.factories import EnterpriseFactory, make_user

    firm = EnterpriseFactory(contact_phone="13900005555")
    user = make_user("applicant_enterprise", enterprise=firm)
    with commit():
        new_case(user, kind="TESTE")
    assert [m.phone for m in sms_outbox] == ["13900005555"]
    assert N.objects.filter(user=user, channel=N.Channel.INBOX, event="submit").count() == 1


def test_a_failed_payment_is_told_once_per_failed_transfer(crew, commit, sms_outbox):
    case = case_at("approved", crew)
    payment_failed_notify(case=case, reason="账户已销户", attempt_key="batch-item-7")
    payment_failed_notify(case=case, reason="账户已销户", attempt_key="batch-item-7")
    assert [m.text for m in sms_outbox if "发放失败" in m.text] == [
        f"【广元就业】您的申请 {case.ref} 的 1,000.00 元发放失败：账户已销户。请与经办机构核对银行账户信息。"]
    payment_failed_notify(case=case, reason="户名不符", attempt_key="batch-item-9")
    assert len([m for m in sms_outbox if "发放失败" in m.text]) == 2


# --- reminders ----------------------------------------------------------------------------------------------

def _accept_with_missing(crew, commit):
    case = new_case(crew.applicant)
    with commit():
        case = move(case, "accept_incomplete", crew.intake, data={"missing_materials": [{"code": "BANK",
                                                                                         "label": ""}]})
    return case, MissingMaterial.objects.get(case=case).due_date


def _reminders(sms_outbox):
    return [m for m in sms_outbox if m.text.startswith("【广元就业】提醒")]


def test_the_reminder_goes_out_two_working_days_before_the_due_date_and_once(crew, commit, sms_outbox):
    case, due = _accept_with_missing(crew, commit)
    lead = 2  # notices.missing_material_reminder_working_days, seeded for Guangyuan
    # The last day before the lead window: working_days_between(day, due) == lead + 1.
    day = timezone.localdate()
    while working_days_add(day, lead + 1).date < due:
        day += datetime.timedelta(days=1)
    too_early = day if working_days_add(day, lead + 1).date == due else None
    if too_early is not None:
        assert missing_material_reminders_send(today=too_early) == 0
    in_window = day + datetime.timedelta(days=1)
    while working_days_add(in_window, lead).date < due:
        in_window += datetime.timedelta(days=1)
    assert missing_material_reminders_send(today=in_window) == 1
    assert missing_material_reminders_send(today=in_window) == 0
    assert missing_material_reminders_send(today=due) == 0  # once per due date, however often the job runs
    [reminder] = _reminders(sms_outbox)
    assert case.ref in reminder.text and due.isoformat() in reminder.text and "银行卡" in reminder.text


def test_no_reminder_after_the_due_date_or_once_supplied(crew, commit, sms_outbox):
    case, due = _accept_with_missing(crew, commit)
    assert missing_material_reminders_send(today=due + datetime.timedelta(days=1)) == 0
    MissingMaterial.objects.filter(case=case).update(supplied_at=timezone.now())
    assert missing_material_reminders_send(today=due) == 0
    assert not _reminders(sms_outbox)


def test_reminder_rule():
    today = datetime.date(2026, 12, 1)
    assert rules.reminder_due(today=today, due_date=today, working_days_left=0, lead_days=2)
    assert rules.reminder_due(today=today, due_date=datetime.date(2026, 12, 3), working_days_left=2, lead_days=2)
    assert not rules.reminder_due(today=today, due_date=datetime.date(2026, 12, 4), working_days_left=3,
                                  lead_days=2)
    assert not rules.reminder_due(today=today, due_date=datetime.date(2026, 11, 30), working_days_left=0,
                                  lead_days=2)


# --- the HTTP gateway ---------------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    received: list = []
    answer = (200, b'{"ok": true, "id": "m1"}')

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        _Handler.received.append((self.headers.get("Authorization"), json.loads(self.rfile.read(length))))
        code, body = _Handler.answer
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.received = []
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms/send"
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_SIGN = "【广元就业】"
    settings.SMS_HTTP_TIMEOUT = 5
    yield _Handler
    server.shutdown()
    server.server_close()


def test_the_http_gateway_posts_the_message_with_its_token(fake_gateway):
    fake_gateway.answer = (200, b'{"ok": true}')
    HttpSmsGateway().send(SmsMessage(phone="13800001234", text="您的申请已受理"))
    assert fake_gateway.received == [("Bearer secret-token", {"phone": "13800001234", "text": "您的申请已受理",
                                                              "sign": "【广元就业】"})]


@pytest.mark.parametrize("answer", [(503, b"busy"), (200, b'{"ok": false, "error": "blacklisted"}')])
def test_the_http_gateway_reports_a_refusal_so_the_send_is_retried(fake_gateway, answer):
    fake_gateway.answer = answer
    with pytest.raises(SmsDeliveryError):
        HttpSmsGateway().send(SmsMessage(phone="13800001234", text="x"))


def test_the_http_gateway_reports_an_unreachable_server(settings):
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/unreachable"
    with pytest.raises(SmsDeliveryError):
        HttpSmsGateway().send(SmsMessage(phone="13800001234", text="x"))


def test_messages_go_to_the_applicant_of_each_case_only(crew, commit):
    from tests.factories import make_user

    other = make_user("applicant_person")
    with commit():
        mine = new_case(crew.applicant)
        new_case(other)
    assert set(N.objects.filter(user=crew.applicant).values_list("case", flat=True)) == {mine.pk}
    assert Case.objects.count() == 2
    assert {"accept", "approve", "refuse", "pay"} <= service.MOVE_EVENTS
