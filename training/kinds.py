"""The institution's training-subsidy claim (培训补贴, PXBT) as a casework kind: the amount is the qualified
trainees x the package's standard x the share the acceptance score gives (training.rules); a trainee whose
certificate is already (being) paid as a skill-upgrade subsidy does not count."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.casework.kinds import AmountQuote, CaseKind, Material
from guangyuan_jobs.casework.models import CaseStatus
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.policy.selectors import PolicyParameterMissing, policy_parameter
from training import rules
from training.models import Acceptance, Trainee, TrainingPackage
from training.selectors import certificates_claimed_as_skill_upgrade

PXBT = "PXBT"


def _detail(case):
    try:
        return case.training_subsidy
    except ObjectDoesNotExist:
        return None


def training_subsidy_quote(case) -> tuple[rules.TrainingSubsidyQuote | None, list[str], tuple]:
    """(quote, problems, parameters used): the quote is None when a problem blocks it."""
    detail = _detail(case)
    if detail is None:
        return None, [_("The claim's details are missing.")], ()
    training_class = detail.training_class
    package = training_class.package
    problems = []
    if package.published_at is None or package.status == TrainingPackage.Status.DRAFT:
        problems.append(_("The package was never published: it cannot be paid."))
    if package.contractor_id != detail.institution_id:
        problems.append(_("The institution is no longer the package's contracted institution."))
    acceptance = Acceptance.objects.filter(training_class=training_class).first()
    if acceptance is None:
        return None, [*problems, _("The class has not been accepted by the third party.")], ()
    try:
        attendance = policy_parameter(rules.ATTENDANCE_KEY, on=acceptance.evaluated_on, region=training_class.region_id)
    except PolicyParameterMissing as exc:
        return None, [*problems, str(exc.message)], ()
    trainees = list(Trainee.objects.filter(training_class=training_class).select_related("person").order_by("id"))
    paid_elsewhere = certificates_claimed_as_skill_upgrade([t.certificate_no for t in trainees if t.certificate_no])
    facts = [rules.TraineeFacts(key=t.pk, name=t.person.name, attended_hours=t.attended_hours, completed=t.completed,
                                passed=t.result == Trainee.Result.PASSED, certificate_no=t.certificate_no,
                                certificate_paid_as_skill_upgrade=t.certificate_no in paid_elsewhere)
             for t in trainees]
    quote = rules.training_subsidy(facts, package_hours=package.hours, standard=package.subsidy_standard,
                                   share=acceptance.tranche_share, min_attendance_share=attendance.value)
    if quote.qualified == 0:
        problems.append(_("No trainee qualifies for the subsidy."))
    return quote, problems, (attendance.as_snapshot(), *acceptance.policy_snapshot.values())


def _eligibility(case) -> list[str]:
    with translation.override(settings.LANGUAGE_CODE):
        _quote, problems, _params = training_subsidy_quote(case)
        return problems


def _amount(case) -> AmountQuote | None:
    if _detail(case) is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        quote, problems, params = training_subsidy_quote(case)
        if quote is None:
            if case.status != CaseStatus.DRAFT:
                raise ApplicationError(problems[-1], code="no_amount")
            return None
        return AmountQuote(amount=quote.amount, explanation=quote.explanation(), parameters=tuple(params))


def _on_transition(*, cases, action: str, actor) -> None:
    """From review on, the trainees the amount counted are marked as claimed here (the skill-upgrade subsidy
    reads it); a claim sent back or closed releases them, and a closed claim no longer blocks a new one."""
    from training.models import TrainingSubsidyDetail

    ids = [case.pk for case in cases]
    if action in RELEASING_ACTIONS:
        Trainee.objects.filter(claimed_in_id__in=ids).update(claimed_in=None)
    if action in CLOSING_ACTIONS:
        TrainingSubsidyDetail.objects.filter(case_id__in=ids).update(voided=True)
    if action == "review":
        for case in cases:
            quote, _problems, _params = training_subsidy_quote(case)
            Trainee.objects.filter(claimed_in=case).update(claimed_in=None)
            if quote is not None:
                Trainee.objects.filter(pk__in=quote.counted_keys).update(claimed_in=case)


CLOSING_ACTIONS = ("reject", "refuse", "withdraw", "lapse")
RELEASING_ACTIONS = ("return", *CLOSING_ACTIONS)

TRAINING_SUBSIDY_KIND = CaseKind(
    code=PXBT, label=gettext_lazy("Training subsidy for an institution (职业培训补贴)"), applicant_type="enterprise",
    materials=(Material("roster", gettext_lazy("Signed trainee roster")),
               Material("acceptance_report", gettext_lazy("Third-party acceptance report"), required=False)),
    fund_source=gettext_lazy("Employment subsidy fund (就业补助资金)"), eligibility=_eligibility, amount=_amount,
    on_transition=_on_transition, extra={"detail_template": "training/_case_panel.html"},
)
