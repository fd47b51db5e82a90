"""Changing a risk rule: a new version, and the open and approved-unpaid cases screened again by it."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.casework.kinds import all_kinds
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from integrity.checks import get_check
from integrity.models import Finding, RiskRule, Severity

EDITABLE = ("name", "description", "severity", "kinds", "active")


@transaction.atomic
def risk_rule_update(*, rule: RiskRule, actor, version: int, **changes) -> RiskRule:
    """Change a rule's wording, severity, kinds or switch. A rule whose check cannot run here cannot be
    switched on. Anything changed makes a new version; the cases are screened again after commit."""
    if not (actor and actor.is_authenticated and not actor.is_applicant
            and actor.has_perm("integrity.change_riskrule")):
        raise ForbiddenError(_("You may not change risk rules."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))},
                               code="field_not_editable")
    if "severity" in changes and changes["severity"] not in Severity.values:
        raise ApplicationError(_("Choose a severity."), code="severity_invalid")
    if "kinds" in changes:
        known = {kind.code for kind in all_kinds()}
        kinds = sorted(set(changes["kinds"] or []))
        if set(kinds) - known:
            raise ApplicationError(_("Unknown case kinds: %(k)s") % {"k": ", ".join(sorted(set(kinds) - known))},
                                   code="kinds_invalid")
        changes["kinds"] = kinds
    for text in ("name", "description"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
            if not changes[text]:
                raise ApplicationError(_("The name and the description cannot be empty."), code="text_required")
    if changes.get("active") and get_check(rule.check_code) is None:
        raise ApplicationError(_("This rule's check cannot run here yet (its data is not available), so it cannot "
                                 "be switched on."), code="check_unavailable")
    current = RiskRule.objects.select_for_update().get(pk=rule.pk)
    if current.version != version:
        raise ConflictError(_("This rule changed since you opened it. Reload the page."), code="stale")
    before = {field: getattr(current, field) for field in changes}
    changed = {field: value for field, value in changes.items() if before[field] != value}
    if not changed:
        return current
    RiskRule.objects.filter(pk=current.pk).update(version=F("version") + 1, updated_by=actor, **changed)
    current.refresh_from_db()
    audit_log(actor=actor, event_type="integrity.rule_changed", obj=current,
              details={"code": current.code, "version": current.version,
                       "before": {k: before[k] for k in changed}, "after": changed})
    if current.active:
        from integrity.tasks import screen_open_cases

        rule_id = current.pk
        # robust: the nightly screening catches up if this one is lost.
        transaction.on_commit(lambda: screen_open_cases.delay(Finding.Trigger.RULE_CHANGE, [rule_id]), robust=True)
    return current
