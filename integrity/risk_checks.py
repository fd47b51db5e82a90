"""The built-in checks (DOMAIN.md §11), registered with integrity.checks. Each reads what it needs for all the
cases it is given in a few queries, and returns a Hit for each case that trips it. Summaries mask ID numbers.

What a case's "benefit span" is: its period when it has one, else from its submission to its payment (or
today, when unpaid): the days the money is for.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.casework.models import CLOSED_STATUSES, Case, CaseStatus
from guangyuan_jobs.registry.models import Person
from integrity.checks import Hit, register_check, tables_exist
from integrity.models import ExternalRecord, RecordKind
from integrity.rules import periods_overlap, resident_id_short_form

PAID_OR_APPROVED = (CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID)


def benefit_span(case: Case) -> tuple[datetime.date, datetime.date]:
    start = case.period_start or (timezone.localdate(case.submitted_at) if case.submitted_at
                                  else timezone.localdate(case.created_at))
    end = case.period_end or (timezone.localdate(case.paid_at) if case.paid_at else timezone.localdate())
    return start, max(start, end)


def payment_day(case: Case) -> datetime.date:
    """When the money went out, or would go out if paid today."""
    return timezone.localdate(case.paid_at) if case.paid_at else timezone.localdate()


def _person_cases(cases: Sequence[Case]) -> dict[str, list[Case]]:
    by_hash: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if case.applicant_person_id:
            by_hash[case.applicant_person.id_number_hash].append(case)
    return by_hash


def _records(kind: str, hashes) -> dict[str, list[ExternalRecord]]:
    found: dict[str, list[ExternalRecord]] = defaultdict(list)
    for record in ExternalRecord.objects.filter(kind=kind, person_hash__in=list(hashes)).order_by("start_date"):
        found[record.person_hash].append(record)
    return found


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else _("still running")


@register_check("ui_benefit_overlap", label=gettext_lazy("Benefit period overlaps unemployment-insurance benefit"))
def ui_benefit_overlap(cases: Sequence[Case]):
    """失业补助金 ⟂ 失业保险金 in the same period (DOMAIN.md §3.2), against the social-insurance agency's data."""
    by_hash = _person_cases([c for c in cases if c.period_start])
    records = _records(RecordKind.UI_BENEFIT, by_hash)
    for digest, person_cases in by_hash.items():
        for case in person_cases:
            start, end = benefit_span(case)
            for record in records.get(digest, ()):
                if periods_overlap(start, end, record.start_date, record.end_date):
                    yield Hit(case.pk, _(
                        "The claim covers %(start)s to %(end)s, while the social-insurance agency pays this person "
                        "unemployment-insurance benefit from %(from)s to %(to)s.")
                        % {"start": start, "end": end, "from": record.start_date, "to": _day(record.end_date)},
                        {"record": record.pk, "import": str(record.source_import_id),
                         "benefit_from": str(record.start_date), "benefit_to": str(record.end_date or "")})
                    break


@register_check("repeat_payment", label=gettext_lazy("Same benefit twice for one period"))
def repeat_payment(cases: Sequence[Case]):
    """Another approved or paid case of the same kind, for the same applicant and an overlapping period."""
    with_period = [c for c in cases if c.period_start]
    if not with_period:
        return
    query = Q(pk__in=[])
    for case in with_period:
        applicant = ({"applicant_person_id": case.applicant_person_id} if case.applicant_person_id
                     else {"applicant_enterprise_id": case.applicant_enterprise_id})
        query |= Q(kind=case.kind, **applicant)
    others = list(Case.objects.filter(query, status__in=PAID_OR_APPROVED, period_start__isnull=False)
                  .only("pk", "ref", "kind", "status", "applicant_person_id", "applicant_enterprise_id",
                        "period_start", "period_end"))
    for case in with_period:
        for other in others:
            same_applicant = (other.applicant_person_id == case.applicant_person_id
                              and other.applicant_enterprise_id == case.applicant_enterprise_id)
            if other.pk == case.pk or other.kind != case.kind or not same_applicant:
                continue
            if periods_overlap(case.period_start, case.period_end or case.period_start, other.period_start,
                               other.period_end or other.period_start):
                yield Hit(case.pk, _("The same applicant already has %(ref)s (%(status)s) of this kind for "
                                     "%(start)s to %(end)s.")
                          % {"ref": other.ref, "status": CaseStatus(other.status).label, "start": other.period_start,
                             "end": other.period_end or other.period_start},
                          {"other_case": other.ref})
                break


def _identity_twins(person: Person) -> list[tuple[Person, str]]:
    """Other people in the registry who look like `person` under another ID number: same name, birth date
    and phone, or a 15/18-digit pair (the same number but for the century and check character)."""
    number = person.id_number
    short = resident_id_short_form(number)
    twins = []
    for other in Person.objects.filter(name=person.name).exclude(pk=person.pk):
        other_number = other.id_number
        if resident_id_short_form(other_number) == short:
            twins.append((other, "id_pair"))
        elif person.phone and other.phone == person.phone and other.birth_date == person.birth_date:
            twins.append((other, "name_birth_phone"))
    return twins


@register_check("duplicate_identity", label=gettext_lazy("One person under two ID numbers"))
def duplicate_identity(cases: Sequence[Case]):
    """The applicant seems to be someone else in the registry under another ID number, who holds a live case
    of the same kind: the same benefit drawn twice."""
    for case in cases:
        if not case.applicant_person_id:
            continue
        for twin, how in _identity_twins(case.applicant_person):
            other = (Case.objects.filter(applicant_person=twin, kind=case.kind).exclude(status__in=CLOSED_STATUSES)
                     .exclude(status=CaseStatus.DRAFT).order_by("pk").first())
            if other is None:
                continue
            why = (_("the two ID numbers differ only in the century and check digits (a 15/18-digit pair)")
                   if how == "id_pair" else _("same name, birth date and phone"))
            yield Hit(case.pk, _("%(name)s also holds %(ref)s of this kind under the ID number %(other)s: %(why)s.")
                      % {"name": twin.name, "ref": other.ref, "other": twin.id_number_masked, "why": why},
                      {"other_case": other.ref, "other_person": twin.pk, "match": how})
            break


@register_check("paid_after_death", label=gettext_lazy("Payment after the person's death"))
def paid_after_death(cases: Sequence[Case]):
    """Public security's death record before the payment (or before today, for a case not yet paid)."""
    by_hash = _person_cases(cases)
    records = _records(RecordKind.DEATH, by_hash)
    for digest, person_cases in by_hash.items():
        death = next(iter(records.get(digest, ())), None)
        if death is None:
            continue
        for case in person_cases:
            paid = payment_day(case)
            if death.start_date < paid:
                yield Hit(case.pk, _("Public security records the death of this person on %(died)s; the payment "
                                     "is dated %(paid)s.") % {"died": death.start_date, "paid": paid},
                          {"record": death.pk, "died_on": str(death.start_date), "payment_day": str(paid)})


@register_check("paid_in_custody", label=gettext_lazy("Benefit while in prison"))
def paid_in_custody(cases: Sequence[Case]):
    """Justice's record of imprisonment overlapping the days the benefit is for (a stop condition, §3.1)."""
    by_hash = _person_cases(cases)
    records = _records(RecordKind.CUSTODY, by_hash)
    for digest, person_cases in by_hash.items():
        for case in person_cases:
            start, end = benefit_span(case)
            for record in records.get(digest, ()):
                if periods_overlap(start, end, record.start_date, record.end_date):
                    yield Hit(case.pk, _("Justice records this person in prison from %(from)s to %(to)s, within the "
                                         "benefit's days %(start)s to %(end)s.")
                              % {"from": record.start_date, "to": _day(record.end_date), "start": start, "end": end},
                              {"record": record.pk, "custody_from": str(record.start_date),
                               "custody_to": str(record.end_date or "")})
                    break


@register_check("firm_deregistered", label=gettext_lazy("Subsidy to a firm deregistered before the period"))
def firm_deregistered(cases: Sequence[Case]):
    """Market regulation's deregistration (注销) or revocation (吊销) before the subsidised period began."""
    firm_cases: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if case.applicant_enterprise_id:
            firm_cases[case.applicant_enterprise.credit_code].append(case)
    statuses = {r.credit_code: r for r in ExternalRecord.objects.filter(
        kind=RecordKind.FIRM_STATUS, credit_code__in=list(firm_cases), end_date__isnull=False)}
    for code, firm_case_list in firm_cases.items():
        record = statuses.get(code)
        if record is None:
            continue
        for case in firm_case_list:
            start, _end = benefit_span(case)
            if record.end_date < start:
                yield Hit(case.pk, _("Market regulation records the firm as %(status)s on %(date)s, before the "
                                     "subsidised period began on %(start)s.")
                          % {"status": record.attributes.get("status_label", ""), "date": record.end_date,
                             "start": start},
                          {"record": record.pk, "closed_on": str(record.end_date), "period_start": str(start)})


def _training_ready() -> bool:
    try:
        models = [apps.get_model("training", name) for name in ("TrainingSubsidyDetail", "Trainee", "TrainingClass",
                                                               "TrainingPackage")]
        models.append(apps.get_model("subsidies", "SkillUpgradeDetail"))
    except LookupError:
        return False
    return tables_exist(*models)


@register_check("trainee_certificate_before_class",
                label=gettext_lazy("Trainees certified before their class began"), available=_training_ready)
def trainee_certificate_before_class(cases: Sequence[Case]):
    """A training-subsidy claim for a class whose trainees already held a certificate of the class's occupation
    at its level or higher, issued before the class began: the training paid for was not needed (or not given)."""
    detail_model = apps.get_model("training", "TrainingSubsidyDetail")
    trainee_model = apps.get_model("training", "Trainee")
    skill_model = apps.get_model("subsidies", "SkillUpgradeDetail")
    details = (detail_model.objects.filter(case_id__in=[c.pk for c in cases])
               .select_related("training_class__package__occupation"))
    for detail in details:
        klass = detail.training_class
        package = klass.package
        person_ids = list(trainee_model.objects.filter(training_class=klass).values_list("person_id", flat=True))
        # Levels run from 5 (junior) to 1: a lower number is a higher level.
        held = (skill_model.objects.filter(person_id__in=person_ids, voided=False,
                                           occupation_code=package.occupation.code, level__lte=package.level,
                                           issued_on__lt=klass.starts_on)
                .order_by("person_id", "issued_on").values_list("person_id", "certificate_no", "issued_on"))
        certified = {}
        for person_id, certificate_no, issued_on in held:
            certified.setdefault(person_id, (certificate_no, issued_on))
        if certified:
            yield Hit(detail.case_id, _("%(n)d trainee(s) of class %(class)s already held a certificate of "
                                        "%(occupation)s at this level or higher before the class began on %(start)s.")
                      % {"n": len(certified), "class": klass.ref, "occupation": package.occupation.name,
                         "start": klass.starts_on},
                      {"class": klass.ref, "certificates": [{"certificate_no": no, "issued_on": str(day)}
                                                            for no, day in certified.values()]})


def _loans_ready() -> bool:
    try:
        models = [apps.get_model("entrepreneurship", name) for name in ("SubsidyClaim", "SubsidyUploadRow", "Loan")]
    except LookupError:
        return False
    return tables_exist(*models)


def quarter_span(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = (datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1))
    return start, end - datetime.timedelta(days=1)


@register_check("loan_borrower_insured_elsewhere",
                label=gettext_lazy("Loan borrower insured by another employer in a subsidised quarter"),
                available=_loans_ready)
def loan_borrower_insured_elsewhere(cases: Sequence[Case]):
    """A bank's quarterly interest-subsidy claim (贴息) covering a borrower whom the social-insurance agency
    records as insured by an employer other than the borrower's own firm during that quarter: employed, not
    running the business the guaranteed loan was for."""
    claim_model = apps.get_model("entrepreneurship", "SubsidyClaim")
    row_model = apps.get_model("entrepreneurship", "SubsidyUploadRow")
    for claim in claim_model.objects.filter(case_id__in=[c.pk for c in cases]):
        start, end = quarter_span(claim.year, claim.quarter)
        loans = [row.loan for row in row_model.objects.filter(upload_id=claim.upload_id, loan__isnull=False,
                                                              loan__person__isnull=False)
                 .select_related("loan__person", "loan__enterprise")]
        by_hash = {loan.person.id_number_hash: loan for loan in loans}
        spells = ExternalRecord.objects.filter(kind=RecordKind.INSURED_SPELL, person_hash__in=list(by_hash),
                                               start_date__lte=end).filter(Q(end_date__isnull=True)
                                                                           | Q(end_date__gte=start))
        flagged = {}
        for spell in spells:
            loan = by_hash[spell.person_hash]
            own = loan.enterprise.credit_code if loan.enterprise_id else ""
            if spell.credit_code and spell.credit_code != own:
                flagged.setdefault(loan.ref, {"loan": loan.ref, "employer": spell.firm_name,
                                              "insured_from": str(spell.start_date)})
        if flagged:
            yield Hit(claim.case_id, _("%(n)d borrower(s) in this claim for %(year)d Q%(quarter)d were insured by "
                                       "another employer during the quarter, e.g. loan %(loan)s at %(employer)s.")
                      % {"n": len(flagged), "year": claim.year, "quarter": claim.quarter,
                         "loan": next(iter(flagged.values()))["loan"],
                         "employer": next(iter(flagged.values()))["employer"]},
                      {"loans": list(flagged.values())})
