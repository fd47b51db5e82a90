"""Demo data: a verifier, department records received by data exchange (a death, an unemployment-insurance
benefit period, a deregistered firm), the demo cases screened, and one verified finding on a paid case with its
recovery partly repaid. Idempotent: a second run finds the verifier and the records and stops."""

import datetime
from decimal import Decimal

from django.utils import timezone

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import staff_create
from guangyuan_jobs.casework.models import Case, CaseStatus
from integrity.models import ExternalRecord, Finding, Recovery
from integrity.services.findings import finding_assign, finding_verify
from integrity.services.imports import source_records_receive
from integrity.services.recoveries import recovery_plan_set, recovery_receipt_add
from integrity.services.screening import SCREENED_STATUSES, cases_screen


def seed_demo(*, users, password, stdout) -> None:
    verifier = User.objects.filter(username="verifier").first() or staff_create(
        username="verifier", display_name="核查员 邓梅", roles=("verifier",), scope=User.Scope.WHOLE_CITY,
        actor=users["admin"], password=password)
    users["verifier"] = verifier
    if ExternalRecord.objects.exists():
        return
    today = timezone.localdate()
    paid = Case.objects.filter(status=CaseStatus.PAID, applicant_person__isnull=False).order_by("pk").first()
    open_person = (Case.objects.filter(status__in=SCREENED_STATUSES, applicant_person__isnull=False,
                                       kind="SYBZJ", period_start__isnull=False).order_by("pk").first())
    firm_case = (Case.objects.filter(status__in=SCREENED_STATUSES, applicant_enterprise__isnull=False,
                                     period_start__isnull=False).order_by("pk").first())
    entry = users["entry"]
    if paid is not None:
        person = paid.applicant_person
        died = timezone.localdate(paid.paid_at) - datetime.timedelta(days=20)
        source_records_receive(source="police_death", file_date=today, actor=entry, rows=[
            {"id_number": person.id_number, "name": person.name, "died_on": died}])
    if open_person is not None:
        person = open_person.applicant_person
        source_records_receive(source="si_ui_benefit", file_date=today, actor=entry, rows=[
            {"id_number": person.id_number, "name": person.name, "start": open_person.period_start,
             "end": open_person.period_start + datetime.timedelta(days=60), "monthly": "1060.00"}])
    if firm_case is not None:
        firm = firm_case.applicant_enterprise
        source_records_receive(source="market_firm_status", file_date=today, actor=entry, rows=[
            {"credit_code": firm.credit_code, "firm_name": firm.name, "status": "注销",
             "established": datetime.date(2012, 3, 1), "closed": firm_case.period_start - datetime.timedelta(days=5),
             "size": "小型"}])
    ids = list(Case.objects.filter(status__in=(*SCREENED_STATUSES, CaseStatus.PAID)).values_list("pk", flat=True))
    cases_screen(case_ids=ids, trigger=Finding.Trigger.NIGHTLY)
    finding = Finding.objects.filter(case__status=CaseStatus.PAID, status=Finding.Status.OPEN).first()
    if finding is not None:
        if finding.verifier_id != verifier.pk:
            finding = finding_assign(finding=finding, verifier=verifier, actor=users["manager"])
        finding_verify(finding=finding, actor=verifier, reason="公安死亡注销信息与发放记录核对属实，死亡后仍发放。")
        recovery = Recovery.objects.get(finding=finding)
        recovery = recovery_plan_set(recovery=recovery, method=Recovery.Method.INSTALMENTS, instalments=3,
                                     first_due=today, version=recovery.version, actor=users["finance"])
        part = (recovery.amount / 3).quantize(Decimal("0.01"))
        recovery_receipt_add(recovery=recovery, kind="repayment", amount=part, received_on=today,
                             reference="GY-ZH-0001", actor=users["finance"])
    stdout.write(f"Integrity: {Finding.objects.count()} suspicious items, {Recovery.objects.count()} recoveries.")
