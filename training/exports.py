"""Training spreadsheets: the draw record (a small file, made on the spot for anyone from the public page), and
the registers run by the export jobs of `reports` (scoped, masked, streamed): trainees, and trainees by
occupation, district and month with the city level (市本级) apart from the counties."""

import io

from django import forms
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.crypto import decrypt_value
from guangyuan_jobs.reports.registry import (
    DATE,
    ID_NUMBER,
    MONEY,
    NUMBER,
    Column,
    ReportDefinition,
    ReportFilterForm,
    register_report,
)
from guangyuan_jobs.reports.rules import cell_text
from training.models import SignUp, SkillLevel, SupervisionRecord, Trainee, TrainingClass, TrainingPackage

PERMISSION = "training.view_trainingclass"


def _row(sheet, values) -> None:
    sheet.append([cell_text(v) if isinstance(v, str) else v for v in values])


def draw_record_xlsx(record: dict) -> bytes:
    """The whole draw record: the session and its inputs, the witnesses, each package's pool and each draw."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Draw")[:31]
    for label, value in (
            (_("Session"), record["session"]), (_("Title"), record["title"]), (_("Venue"), record["venue"]),
            (_("Draw time"), record["scheduled_at"]), (_("Drawn"), record["drawn_at"] or ""),
            (_("Algorithm"), record["algorithm"]),
            (_("Most packages one institution may win"), record["max_wins_per_institution"]),
            (_("Commitment (SHA-256)"), record["commitment_sha256"]),
            (_("Committed value"), record["committed_value"] or _("revealed at the draw")),
            (_("Source of the public numbers"), record["public_numbers_source"]),
            (_("Public numbers"), " ".join(record["public_numbers"])),
            (_("Live stream / recording link"), record["stream_url"]),
            (_("Recording reference"), record["recording_ref"]),
            (_("Notarial certificate no."), record["notary_certificate"])):
        _row(sheet, [str(label), value])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 70
    witnesses = book.create_sheet(_("Witnesses")[:31])
    _row(witnesses, [_("Role"), _("Name"), _("Organisation")])
    for witness in record["witnesses"]:
        _row(witnesses, [witness["role"], witness["name"], witness["organisation"]])
    pools = book.create_sheet(_("Pools")[:31])
    _row(pools, [_("Position"), _("Package"), _("Title"), _("Pool SHA-256"), _("Institution code"), _("Institution")])
    results = book.create_sheet(_("Results")[:31])
    _row(results, [_("Package"), _("Attempt"), _("Current"), _("Seed"), _("Rank"), _("Institution code"),
                   _("Outcome"), _("Reason for the re-draw")])
    for package in record["packages"]:
        for code, name in (package.get("pool") or {}).get("institutions", []):
            _row(pools, [package["position"], package["package"], package["title"], package["pool_sha256"], code,
                         name])
        for draw in package["draws"]:
            capped = set(draw["capped"])
            for rank, code in enumerate(draw["order"], start=1):
                outcome = (_("Winner") if code == draw["winner"] else _("At the limit of wins") if code in capped
                           else _("Reserve"))
                _row(results, [package["package"], draw["attempt"], _("yes") if draw["current"] else _("no"),
                               draw["seed"], rank, code, outcome, draw["reason"]])
            for replacement in draw["replacements"]:
                _row(results, [package["package"], draw["attempt"], "", "", "", replacement["withdrawn"],
                               _("Withdrew; replaced by %(code)s") % {"code": replacement["replacement"] or "—"},
                               replacement["reason"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class TraineeFilterForm(ReportFilterForm):
    year = forms.IntegerField(label=gettext_lazy("Year the class started"), required=False, min_value=2000,
                              max_value=2100)


def _trainees(user, filters: dict) -> QuerySet:
    qs = scope_queryset(Trainee.objects.all(), user=user, region_field="training_class__region")
    if filters.get("year"):
        qs = qs.filter(training_class__starts_on__year=filters["year"])
    return qs.order_by("training_class__starts_on", "training_class_id", "id")


def _by_occupation_district_month(user, filters: dict) -> QuerySet:
    classes = scope_queryset(TrainingClass.objects.all(), user=user)
    if filters.get("year"):
        classes = classes.filter(starts_on__year=filters["year"])
    return (classes.annotate(month=TruncMonth("starts_on"))
            .values("package__occupation__name", "package__level", "region__name", "month")
            .annotate(trainee_total=Count("trainees"),
                      completed_total=Count("trainees", filter=Q(trainees__completed=True)),
                      passed_total=Count("trainees", filter=Q(trainees__result=Trainee.Result.PASSED)))
            .order_by("month", "region__name", "package__occupation__name"))


def _level_labels():
    return dict(SkillLevel.choices)


register_report(ReportDefinition(
    code="training_trainees",
    label=gettext_lazy("Trainee register"),
    description=gettext_lazy("Every trainee of the classes you may see, with attendance, results and certificates "
                             "(ID numbers masked)."),
    permission=PERMISSION, filter_form=TraineeFilterForm, queryset=_trainees,
    columns=(
        Column(gettext_lazy("Class"), "training_class__ref", width=20),
        Column(gettext_lazy("Package"), "training_class__package__title", width=30),
        Column(gettext_lazy("Institution"), "training_class__institution__name", width=28),
        Column(gettext_lazy("District"), "training_class__region__name", width=10),
        Column(gettext_lazy("Starts"), "training_class__starts_on", kind=DATE),
        Column(gettext_lazy("Name"), "person__name", width=10),
        Column(gettext_lazy("Resident ID number"), "person__id_number_masked", kind=ID_NUMBER, width=21,
               full_source="person__id_number_encrypted", reveal=decrypt_value),
        Column(gettext_lazy("Hours attended"), "attended_hours", kind=NUMBER),
        Column(gettext_lazy("Completed"), "completed", labels=lambda: {True: _("yes"), False: _("no")}),
        Column(gettext_lazy("Assessment"), "result", labels=lambda: dict(Trainee.Result.choices)),
        Column(gettext_lazy("Certificate number"), "certificate_no", width=22),
    ),
))

register_report(ReportDefinition(
    code="training_trainees_by_month",
    label=gettext_lazy("Trainees by occupation, district and month"),
    description=gettext_lazy("Trainees, completions and passes per occupation, level, district and month of the "
                             "class start; the city level (市本级) is its own line."),
    permission=PERMISSION, filter_form=TraineeFilterForm, queryset=_by_occupation_district_month,
    columns=(
        Column(gettext_lazy("Occupation"), "package__occupation__name", width=16),
        Column(gettext_lazy("Level"), "package__level", labels=_level_labels),
        Column(gettext_lazy("District"), "region__name", width=10),
        Column(gettext_lazy("Month"), "month", kind=DATE),
        Column(gettext_lazy("Trainees"), "trainee_total", kind=NUMBER),
        Column(gettext_lazy("Completed"), "completed_total", kind=NUMBER),
        Column(gettext_lazy("Passed"), "passed_total", kind=NUMBER),
    ),
))


def _packages(user, filters: dict) -> QuerySet:
    qs = scope_queryset(TrainingPackage.objects.all(), user=user)
    if filters.get("year"):
        qs = qs.filter(plan_line__plan__year=filters["year"])
    live = ~Q(signups__status=SignUp.Status.WITHDRAWN)
    return (qs.annotate(signup_count=Count("signups", filter=live, distinct=True),
                        eligible=Count("signups", filter=Q(signups__status=SignUp.Status.ELIGIBLE), distinct=True))
            .order_by("id"))


class PlanYearFilterForm(ReportFilterForm):
    year = forms.IntegerField(label=gettext_lazy("Plan year"), required=False, min_value=2000, max_value=2100)


register_report(ReportDefinition(
    code="training_packages",
    label=gettext_lazy("Training packages, pools and draws"),
    description=gettext_lazy("Each package with its seats, standard, sign-ups, eligible pool, pool hash, draw "
                             "session and contracted institution."),
    permission="training.view_trainingpackage", filter_form=PlanYearFilterForm, queryset=_packages,
    columns=(
        Column(gettext_lazy("Package"), "ref", width=20),
        Column(gettext_lazy("Title"), "title", width=32),
        Column(gettext_lazy("Occupation"), "occupation__name", width=14),
        Column(gettext_lazy("Level"), "level", labels=_level_labels),
        Column(gettext_lazy("District"), "region__name", width=10),
        Column(gettext_lazy("Seats"), "seats", kind=NUMBER),
        Column(gettext_lazy("Subsidy per trainee (yuan)"), "subsidy_standard", kind=MONEY),
        Column(gettext_lazy("Status"), "status", labels=lambda: dict(TrainingPackage.Status.choices)),
        Column(gettext_lazy("Sign-ups"), "signup_count", kind=NUMBER),
        Column(gettext_lazy("Eligible"), "eligible", kind=NUMBER),
        Column(gettext_lazy("Pool SHA-256"), "pool_sha256", width=66),
        Column(gettext_lazy("Draw session"), "session_entry__session__ref", width=20),
        Column(gettext_lazy("Contracted institution"), "contractor__name", width=28),
    ),
))


class SupervisionFilterForm(ReportFilterForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                               choices=[("", gettext_lazy("All")), *SupervisionRecord.Status.choices])


def _supervision(user, filters: dict) -> QuerySet:
    qs = scope_queryset(SupervisionRecord.objects.all(), user=user, region_field="training_class__region")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("visited_on", "id")


register_report(ReportDefinition(
    code="training_supervision",
    label=gettext_lazy("Supervision findings, open and closed"),
    description=gettext_lazy("Every supervision record of the four layers with its finding, required correction, "
                             "due date and follow-up."),
    permission="training.view_supervisionrecord", filter_form=SupervisionFilterForm, queryset=_supervision,
    columns=(
        Column(gettext_lazy("Class"), "training_class__ref", width=20),
        Column(gettext_lazy("Institution"), "training_class__institution__name", width=28),
        Column(gettext_lazy("Supervision layer"), "layer", labels=lambda: dict(SupervisionRecord.Layer.choices),
               width=24),
        Column(gettext_lazy("Visited on"), "visited_on", kind=DATE),
        Column(gettext_lazy("Inspector"), "inspector", width=12),
        Column(gettext_lazy("Findings"), "findings", width=40),
        Column(gettext_lazy("Correction required"), "correction_required", width=30),
        Column(gettext_lazy("Correct by"), "correction_due", kind=DATE),
        Column(gettext_lazy("Status"), "status", labels=lambda: dict(SupervisionRecord.Status.choices)),
        Column(gettext_lazy("Follow-up"), "follow_up", width=30),
    ),
))
