"""The world the access matrix probes: the demo data (every app's own demo too), one actor per role, and two of
every object: one belonging to the demo applicant in 利州 (510802), one to another applicant in 苍溪 (510824)."""

import datetime
import io
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.casework.models import Attachment, BatchJob, Case
from guangyuan_jobs.policy.models import PolicyParameter
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.reports.models import ExportJob
from subsidies.models import BriefingSession, Objection, PaymentBatch, PolicyPush, PublicNotice, RosterImport
from tests.factories import EnterpriseFactory, PersonFactory, make_credit_code, make_id_number, make_user

# Everyone the matrix asks, by the role they act in. `other` is a second applicant (not the owner of the
# 利州 objects); `cangxi` a district reviewer of 苍溪 (510824), outside the 利州 objects' area.
ACTORS = ("anonymous", "applicant", "other", "enterprise", "institution", "intake", "policy", "archive", "entry",
          "reviewer", "approver", "finance", "manager", "auditor", "security", "admin", "training", "bank", "groups",
          "monitor", "verifier", "cangxi")
APPLICANTS = frozenset({"applicant", "other", "enterprise", "institution"})
# The business apps' own roles, as their demo data names them.
APP_ACTORS = {"training": "training", "bank": "bank_rcb", "groups": "groups",
              "monitor": "monitor", "verifier": "verifier"}
DISTRICT_STAFF = {"cangxi": "510824"}


@dataclass
class World:
    users: dict[str, User]
    media_root: str
    # Per owner ("lizhou": the demo applicant's side in 510802, "cangxi": the other applicant's in 510824),
    # the URL keyword values of each route's object.
    objects: dict[str, dict[str, dict]] = field(default_factory=dict)


def routes() -> list[tuple[str, str]]:
    """(route name, pattern) of every URL the resolver knows, the Django admin's and static files' apart."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace)))
                if inner == "admin":
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = ":".join(filter(None, (namespace, pattern.name)))
                found.append((name, prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns)
    return found


def _case_pair(kind_filter: dict, *, lizhou_owner: dict, cangxi_owner: dict) -> dict[str, Case]:
    lizhou = Case.objects.filter(**kind_filter, **lizhou_owner).exclude(status="draft").order_by("id").first()
    cangxi = Case.objects.filter(**kind_filter, **cangxi_owner).order_by("id").first()
    return {"lizhou": lizhou, "cangxi": cangxi}


def build_world(media_root: str) -> World:
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = {u.username: u for u in User.objects.all()}
    other_person = PersonFactory(region=Region.objects.get(code="510824"), name="苍溪申请人")
    users["other"] = make_user("applicant_person", username="other", person=other_person)
    users["cangxi"] = make_user("reviewer", username="cangxi", region_code="510824")
    world = World(users={name: users.get(APP_ACTORS.get(name, name)) for name in ACTORS}, media_root=media_root)
    # The demo's draw is random, so the institution actor is the one holding the first class, whatever won.
    from training.models import TrainingClass

    holder = _first(TrainingClass).institution.enterprise
    world.users["institution"] = User.objects.filter(enterprise=holder).order_by("pk").first()
    applicant, other = users["applicant"], users["other"]

    # The other applicant's claim in 苍溪: filed through the same service as the demo's.
    from subsidies.services.claims import claim_file

    other_case = claim_file(kind="CYBT", actor=other, applicant_person=other.person, submit=True, data={
        "business_name": "苍溪小店", "business_credit_code": make_credit_code(region="510824"),
        "registered_on": (datetime.date.today() - datetime.timedelta(days=120)).isoformat()})
    own_case = Case.objects.filter(applicant_person=applicant.person).exclude(status="draft").order_by("id").first()

    def attachment(case: Case, owner: User) -> Attachment:
        item = Attachment(case=case, material_code="id_card", original_name="id.pdf",
                          content_type="application/pdf", size=8, sha256="0" * 64, uploaded_by=owner)
        item.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(b"%PDF-1.4"), save=False)
        item.save()
        return item

    notice = PublicNotice.objects.order_by("id").first()
    entry = notice.entries.order_by("id").first()
    objection = Objection.objects.create(case=entry.case, entry=entry, lodger_name="群众", text="异议")
    staff = users["finance"]
    batch = PaymentBatch.objects.create(ref=f"PB-{uuid.uuid4().hex[:8]}", fund_source="ui_fund",
                                        region=Region.objects.get(code="510802"), created_by=staff)
    batch_cangxi = PaymentBatch.objects.create(ref=f"PB-{uuid.uuid4().hex[:8]}", fund_source="ui_fund",
                                               region=Region.objects.get(code="510824"), created_by=staff)
    briefing = BriefingSession.objects.create(held_on=datetime.date.today(), place="利州区", topic="政策宣讲",
                                              audience="企业", attendance=30,
                                              region=Region.objects.get(code="510802"), recorded_by=users["policy"])
    push = PolicyPush.objects.create(kind="SYBZJ", channel="sms", message="政策推送",
                                     region=Region.objects.get(code="510802"), created_by=users["policy"])
    roster = RosterImport.objects.create(premium_year=2025, original_name="roster.xlsx", sha256="0" * 64,
                                         created_by=users["entry"])
    export = ExportJob.objects.create(report="case_register", requested_by=users["auditor"])
    job = BatchJob.objects.create(action="review", requested_by=users["reviewer"])

    shared = {
        "subsidies:guide_detail": {"code": "SYBZJ"}, "outreach-guide-detail": {"code": "SYBZJ"},
        "subsidies:claim_form": {"kind": "SYBZJ"},
        "policy:parameter_history": {"key": PolicyParameter.objects.order_by("id").first().key},
        "audit:event_detail": {"event_id": AuditEvent.objects.order_by("id").first().pk},
        "accounts:otp_reset": {"user_id": users["reviewer"].pk},
        "subsidies:notice_public_detail": {"ref": notice.ref}, "subsidies:notice_objection": {"ref": notice.ref},
        "subsidies-public-notice-detail": {"ref": notice.ref}, "subsidies-objection-lodge": {"ref": notice.ref},
        "subsidies:objection_resolve": {"pk": objection.pk}, "subsidies-objection-resolve": {"pk": objection.pk},
        "subsidies:push_detail": {"pk": push.pk}, "subsidies:push_progress": {"pk": push.pk},
        "outreach-push-detail": {"pk": push.pk}, "outreach-push-recipients": {"pk": push.pk},
        "subsidies:roster_detail": {"pk": roster.pk}, "subsidies:roster_progress": {"pk": roster.pk},
        "subsidies:roster_commit": {"pk": roster.pk}, "subsidies:roster_rejected_download": {"pk": roster.pk},
        "subsidies-roster-import-detail": {"pk": roster.pk}, "subsidies-roster-import-commit": {"pk": roster.pk},
        "reports:export_detail": {"job_id": export.pk}, "reports:export_progress": {"job_id": export.pk},
        "reports:export_download": {"job_id": export.pk}, "reports_api:export_detail": {"job_id": export.pk},
        "reports_api:export_download": {"job_id": export.pk},
        "casework:batch_detail": {"pk": job.pk}, "casework:batch_progress": {"pk": job.pk},
    }
    del briefing  # listed only: no route takes a briefing's id

    def owned(case: Case, owner: User, batch_ref: str) -> dict[str, dict]:
        att = attachment(case, owner)
        values = {"ref": case.ref}
        per_route = {
            "casework:attachment_download": {"ref": case.ref, "pk": att.pk},
            "registry:person_detail": {"pk": case.applicant_person_id},
            "registry:person_reveal": {"pk": case.applicant_person_id},
        }
        for name in ("subsidies:batch_detail", "subsidies:batch_action", "subsidies:batch_reconcile",
                     "subsidies:batch_download", "subsidies:batch_progress", "payment-batch-detail",
                     "payment-batch-items", "payment-batch-action", "payment-batch-return-file",
                     "payment-batch-bank-file", "payment-batch-reconciliation"):
            per_route[name] = {"ref": batch_ref}
        return {"default": values, **per_route}

    shared.update(_app_objects())
    shared.update(_owned_objects(world.users))
    world.objects["lizhou"] = {**owned(own_case, applicant, batch.ref), **shared}
    world.objects["cangxi"] = {**owned(other_case, other, batch_cangxi.ref), **shared}
    other_firm = EnterpriseFactory(region=Region.objects.get(code="510824"))
    for side, enterprise in (("lizhou", users["enterprise"].enterprise), ("cangxi", other_firm)):
        for name in ("registry:enterprise_detail", "registry:enterprise_reveal", "registry:enterprise_size_class"):
            world.objects[side][name] = {"pk": enterprise.pk}
    return world


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def _app_objects() -> dict[str, dict]:
    """One object per route of the business apps, from their demo data (each app's own tests cover the
    district and ownership of these objects in depth)."""
    from entrepreneurship.models import CreditLine, Loan, SubsidyUpload
    from guangyuan_jobs.notices.models import Notice
    from integrity.models import Finding, Recovery, RiskRule, SourceImport
    from monitoring.models import MonthlyReturn
    from monitoring.models import Warning as LayoffWarning
    from priority_groups.models import (
        EmploymentBase,
        EmploymentRegistration,
        GroupMembership,
        PersonRosterImport,
        Plan,
        PlanMeasure,
        Referral,
        TransferTrip,
        Vacancy,
    )
    from training.models import (
        DrawSession,
        PlanLine,
        SignUp,
        SupervisionRecord,
        Trainee,
        TrainingClass,
        TrainingPackage,
        TrainingPlan,
    )

    objects: dict[str, dict] = {}

    def give(names: str, **values):
        for name in names.split():
            objects[name] = values

    session = _first(DrawSession)
    drawn = session.entries.order_by("position").first().package
    give("training:session_detail training:session_record_json training:session_record_xlsx training:session_verify "
         "training:session_run training:witness_add training-draw-record training-draw-run", ref=session.ref)
    give("training:package_redraw training:winner_withdraw", ref=session.ref, package_ref=drawn.ref)
    plan = _first(TrainingPlan)
    give("training:plan_detail", pk=plan.pk)
    give("training:plan_action", pk=plan.pk, action="approve")
    give("training:package_create", line_pk=_first(PlanLine).pk)
    package = _first(TrainingPackage)
    give("training:package_detail training-package-detail training-package-publish training-package-freeze "
         "training-signup-list", ref=package.ref)
    give("training:package_action", ref=package.ref, action="publish")
    training_class = _first(TrainingClass)
    give("training:signup_check training:signup_evidence training-signup-check",
         pk=_first(SignUp, institution=training_class.institution).pk)
    give("training:class_new", package_ref=training_class.package.ref)
    if training_class is not None:
        give("training:class_detail training-class-detail training-trainee-add", ref=training_class.ref)
        give("training:class_action", ref=training_class.ref, action="trainee")
        trainee = _first(Trainee, training_class=training_class)
        give("training:trainee_result", ref=training_class.ref, pk=trainee.pk if trainee else 1)
    supervision = _first(SupervisionRecord)
    give("training:supervision_close", pk=supervision.pk if supervision else 1)

    loan = _first(Loan)
    give("entrepreneurship:loan_detail entrepreneurship:loan_action entrepreneurship-loan-detail "
         "entrepreneurship-loan-action entrepreneurship-loan-subsidy", ref=loan.ref)
    line = _first(CreditLine)
    give("entrepreneurship:credit_line_detail entrepreneurship-credit-line-detail entrepreneurship-credit-line-draw",
         code=line.code)
    from startup_events.models import Event as StartupEvent

    open_event = _first(StartupEvent, status="open")
    give("startup_events:event_detail startup_events:event_action startup_events:event_register "
         "startup_events:attendance startup_events:outcome startup_events:contest startup-events-event-detail "
         "startup-events-event-register", ref=open_event.ref)
    from startup_events.services.events import registration_self as startup_event_register

    own_registration = startup_event_register(event=open_event, actor=User.objects.get(username="applicant"))
    give("startup_events:registration_cancel startup-events-registration-cancel", ref=open_event.ref,
         pk=own_registration.pk)
    give("startup_events:winners", ref=_first(StartupEvent, event_type="contest", status="closed").ref)
    upload = _first(SubsidyUpload)
    give("entrepreneurship:upload_detail entrepreneurship:upload_progress entrepreneurship:upload_confirm "
         "entrepreneurship:upload_claim", pk=upload.pk if upload else uuid.uuid4())

    from startup_parks.models import CertificationApplication as ParkApplication
    from startup_parks.models import Park, Resident

    park = _first(Park, status="certified")
    give("startup_parks:park_detail startup_parks:park_apply startup_parks:park_reevaluate startup_parks:resident_add "
         "startup_parks:jobs_report startup-parks-park-detail startup-parks-apply", ref=park.ref)
    give("startup_parks:resident_move_out", ref=park.ref, pk=_first(Resident, park=park).pk)
    park_application = _first(ParkApplication, park=park)
    give("startup_parks:application_detail startup_parks:evaluation_submit startup_parks:application_decide "
         "startup_parks:evidence_add startup-parks-application-detail", ref=park_application.ref)
    give("startup_parks:evidence_download", ref=park_application.ref,
         pk=park_application.evidence.order_by("pk").first().pk)

    membership = _first(GroupMembership)
    person = membership.person_id
    give("priority_groups:person_detail priority_groups:membership_add priority_groups:status_add "
         "priority_groups:service_add priority_groups:plan_add priority_groups:measure_add priority_groups:plan_close "
         "priority_groups:unemployment_register priority_groups:employment_register priority_groups:household_add "
         "priority_groups:household_member_add priority_groups:referral_add api_person_file api_person_services",
         pk=person)
    give("priority_groups:membership_end", pk=person, membership_id=membership.pk)
    measure = _first(PlanMeasure, plan__in=Plan.objects.filter(person_id=person))
    give("priority_groups:measure_done", pk=person, measure_id=measure.pk if measure else 1)
    registration = _first(EmploymentRegistration, person_id=person)
    give("priority_groups:registration_end", pk=person, registration_id=registration.pk if registration else 1)
    give("priority_groups:vacancy_detail", pk=_first(Vacancy).pk)
    referral = _first(Referral)
    give("priority_groups:referral_outcome", pk=referral.pk if referral else 1)
    roster = _first(PersonRosterImport)
    give("priority_groups:roster_detail priority_groups:roster_progress priority_groups:roster_commit "
         "priority_groups:roster_rejected_download", pk=roster.pk if roster else uuid.uuid4())
    trip, base = _first(TransferTrip), _first(EmploymentBase)
    give("priority_groups:trip_detail", pk=trip.pk if trip else 1)
    give("priority_groups:base_detail", pk=base.pk if base else 1)
    give("api_group_report", group="graduate")

    monthly = _first(MonthlyReturn)
    code = monthly.monitored.enterprise.credit_code
    give("monitoring:enterprise_detail", credit_code=code)
    give("monitoring:return_detail", credit_code=code, month=monthly.period.strftime("%Y-%m"))
    warning = _first(LayoffWarning)
    give("monitoring:warning_detail monitoring:warning_transition monitoring-warning-transition", ref=warning.ref)

    # An open finding: the one a verifier decides on its page.
    finding, recovery = _first(Finding, status=Finding.Status.OPEN), _first(Recovery)
    give("integrity:finding_detail integrity:finding_assign integrity_api_finding_detail "
         "integrity_api_finding_decision", ref=finding.ref)
    give("integrity:recovery_plan integrity:recovery_detail integrity_api_recovery_detail "
         "integrity_api_recovery_receipts", ref=recovery.ref)
    give("integrity:import_template", source="police_death")
    source_import = _first(SourceImport)
    give("integrity:import_detail integrity:import_progress integrity:import_commit integrity:import_rejected",
         pk=source_import.pk if source_import else uuid.uuid4())
    give("integrity:rule_detail", code=_first(RiskRule).code)

    notice = _first(Notice)
    give("notices:notice_download notices_api:notice_detail notices_api:notice_pdf",
         number=notice.number if notice else "SL-2026-000001")
    give("subsidies:objection_refuse_case", pk=_first(Objection).pk)
    return objects


def _xlsx(name: str, header: list, rows: list[list]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def _owned_objects(actors: dict[str, User]) -> dict[str, dict]:
    """The objects the demo has none of, each made through its app's service by the actor it belongs to (an
    upload's uploader, a firm's refund, an institution's sign-up), so the matrix proves that its owner gets
    in and everybody else is refused. A task's body is run in process: the world's transaction never commits,
    so nothing queued on commit runs."""
    from entrepreneurship.services.subsidy import subsidy_upload_check, subsidy_upload_start
    from integrity.services.imports import source_import_run, source_import_start
    from monitoring.models import MonitoredEnterprise, MonthlyReturn
    from monitoring.services import monthly_return_file, previous_headcount
    from priority_groups.models import GroupCode
    from priority_groups.services import roster as group_roster
    from subsidies.models import StablePostRefundDetail
    from subsidies.services import roster as refund_roster
    from training.models import SignUp, SupervisionRecord, TrainingClass
    from training.services.delivery import supervision_record

    objects: dict[str, dict] = {}

    def give(names: str, **values):
        for name in names.split():
            objects[name] = values

    today = timezone.localdate()
    # 免申即享: the agency's roster, imported for real by the entry clerk, gives the demo firm its refund to
    # confirm; its second row is bad, so the import has a file of rejected rows.
    firm = actors["enterprise"].enterprise
    roster = refund_roster.roster_import_start(
        file=_xlsx("roster.xlsx", [titles[0] for titles in refund_roster.COLUMNS.values()], [
            [firm.credit_code, firm.name, "中小微", 50, 1, 100000.0, 12, "否"],
            ["91510802-BAD", "坏数据有限公司", "中小微", 50, 1, 100000.0, 12, "否"]]),
        premium_year=2024, dry_run=False, actor=actors["entry"])
    refund_roster.roster_import_run(import_id=roster.pk)
    roster.refresh_from_db()
    assert roster.rejected_file, roster.error
    refund = StablePostRefundDetail.objects.select_related("case").get(roster_import=roster, enterprise=firm)
    give("subsidies:roster_rejected_download", pk=roster.pk)
    give("subsidies:refund_confirm subsidies-refund-confirm", ref=refund.case.ref)

    # A priority-group roster previewed by the caseworker who uploaded it, with a rejected row.
    people = group_roster.roster_import_start(
        file=_xlsx("graduates.xlsx", ["身份证号", "姓名"], [[make_id_number(), "张一"], ["123", "张二"]]),
        group=GroupCode.objects.get(code="graduate"), valid_from=today, evidence="省教育厅离校未就业名单",
        actor=actors["groups"])
    group_roster.roster_import_run(import_id=people.pk)
    people.refresh_from_db()
    assert people.rejected_file, people.error
    give("priority_groups:roster_detail priority_groups:roster_progress priority_groups:roster_commit "
         "priority_groups:roster_rejected_download", pk=people.pk)

    # A department file previewed by the entry clerk, with a rejected row.
    deaths = source_import_start(
        source="police_death", file_date=today,
        file=_xlsx("deaths.xlsx", ["公民身份号码", "姓名", "死亡日期"],
                   [[make_id_number(), "王五", (today - datetime.timedelta(days=3)).isoformat()],
                    ["880506123", "钱七", "昨天"]]),
        actor=actors["entry"])
    source_import_run(import_id=deaths.pk)
    deaths.refresh_from_db()
    assert deaths.rejected_file, deaths.error
    give("integrity:import_rejected", pk=deaths.pk)

    # The cooperating bank's 2026 Q3 interest file (its demo loan repays from May 2026), checked.
    upload = subsidy_upload_start(
        file=_xlsx("2026Q3.xlsx", ["合同编号", "借款人", "本季利息", "季末本金余额", "申请贴息金额"],
                   [["GYRCB-2026-0518", "", 1200.0, 130000.0, 500.0]]),
        year=2026, quarter=3, actor=actors["bank"])
    upload = subsidy_upload_check(upload_id=upload.pk)
    assert upload.status == upload.Status.CHECKED and upload.rows_good, upload.error
    give("entrepreneurship:upload_detail entrepreneurship:upload_progress entrepreneurship:upload_confirm "
         "entrepreneurship:upload_claim", pk=upload.pk)

    # The institution's sign-up evidence (the demo's sign-ups carry none; the sign-up service stores it so).
    training_class = _first(TrainingClass)
    signup = _first(SignUp, institution=training_class.institution)
    signup.evidence.save(f"{uuid.uuid4().hex[:16]}", ContentFile(b"%PDF-1.4 evidence"), save=True)
    give("training:signup_evidence", pk=signup.pk)

    # An open supervision finding on the demo class, recorded by the training officer.
    record = supervision_record(training_class=training_class, layer=SupervisionRecord.Layer.ON_SITE,
                                visited_on=today, inspector="督导组", findings="签到表缺页",
                                correction_required="补齐签到表", correction_due=today + datetime.timedelta(days=7),
                                actor=actors["training"])
    give("training:supervision_close", pk=record.pk)

    # The demo firm's return for this month, filed by the firm with more hires than its headcount shows, so it
    # waits for a monitoring clerk's check.
    monitored = MonitoredEnterprise.objects.get(enterprise=firm)
    period = today.replace(day=1)
    filed = monthly_return_file(monitored=monitored, period=period, actor=actors["enterprise"], data={
        "headcount": previous_headcount(monitored, period), "hires": 100})
    assert filed.check_status == MonthlyReturn.Check.FLAGGED
    give("monitoring:return_detail", credit_code=firm.credit_code, month=period.strftime("%Y-%m"))
    return objects
