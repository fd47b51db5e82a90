"""Every read of integrity, scoped: findings and recoveries follow their case's district (scope_queryset on
the case's region), so a district verifier sees its district and an auditor with the whole city sees all.
Department data and imports are city-wide, for holders of the view permission."""

from collections.abc import Mapping

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from guangyuan_jobs.accounts.selectors import scope_queryset
from guangyuan_jobs.core.errors import NotFoundError
from integrity.models import Finding, Recovery, RiskRule, SourceImport

MONEY = DecimalField(max_digits=16, decimal_places=2)


def _staff_with(user, permission: str) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and not user.is_applicant
                and user.has_perm(permission))


def _scoped(queryset: QuerySet, user) -> QuerySet:
    return scope_queryset(queryset, user=user, region_field="case__region")


def finding_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Finding]:
    """Filters: rule (code), status, severity, region (a code: it and everything below), kind, mine, q (ref)."""
    if not _staff_with(user, "integrity.view_finding"):
        return Finding.objects.none()
    filters = filters or {}
    qs = _scoped(Finding.objects.select_related("rule", "case", "case__region", "verifier", "decided_by"), user)
    if filters.get("rule"):
        qs = qs.filter(rule__code=filters["rule"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("severity"):
        qs = qs.filter(severity=filters["severity"])
    if filters.get("region"):
        qs = qs.filter(case__region__code__startswith=str(filters["region"]).strip())
    if filters.get("kind"):
        qs = qs.filter(case__kind=filters["kind"])
    if filters.get("mine") in (True, "1", "true", "on"):
        qs = qs.filter(verifier=user)
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(ref__icontains=text) | qs.filter(case__ref__icontains=text)
    return qs.order_by("-created_at", "-id")


def finding_get_for(*, user, ref: str) -> Finding:
    finding = finding_list_for(user=user).filter(ref=ref).first()
    if finding is None:
        raise NotFoundError()
    return finding


def finding_visible(*, user, finding: Finding) -> bool:
    return finding_list_for(user=user).filter(pk=finding.pk).exists()


def findings_of_case(*, user, case) -> QuerySet[Finding]:
    return finding_list_for(user=user).filter(case=case)


def recovery_list_for(*, user, filters: Mapping | None = None) -> QuerySet[Recovery]:
    """Filters: status, region, kind, method, q (ref or case ref). Each row carries `balance_due`."""
    if not _staff_with(user, "integrity.view_recovery"):
        return Recovery.objects.none()
    filters = filters or {}
    qs = _scoped(Recovery.objects.select_related("finding", "finding__rule", "case", "case__region"), user)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("method"):
        qs = qs.filter(method=filters["method"])
    if filters.get("region"):
        qs = qs.filter(case__region__code__startswith=str(filters["region"]).strip())
    if filters.get("kind"):
        qs = qs.filter(case__kind=filters["kind"])
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(ref__icontains=text) | qs.filter(case__ref__icontains=text)
    return qs.annotate(balance_due=F("amount") - F("recovered")).order_by("-opened_at", "-id")


def recovery_get_for(*, user, ref: str) -> Recovery:
    recovery = recovery_list_for(user=user).filter(ref=ref).first()
    if recovery is None:
        raise NotFoundError()
    return recovery


def recovery_visible(*, user, recovery: Recovery) -> bool:
    return recovery_list_for(user=user).filter(pk=recovery.pk).exists()


def recovery_totals(queryset: QuerySet[Recovery]) -> dict:
    zero = Value(0, output_field=MONEY)
    return queryset.aggregate(to_recover=Coalesce(Sum("amount"), zero), got_back=Coalesce(Sum("recovered"), zero),
                              left=Coalesce(Sum(F("amount") - F("recovered"), output_field=MONEY), zero))


def rule_list_for(*, user) -> QuerySet[RiskRule]:
    if not _staff_with(user, "integrity.view_riskrule"):
        return RiskRule.objects.none()
    return RiskRule.objects.select_related("updated_by").order_by("code")


def rule_get_for(*, user, code: str) -> RiskRule:
    rule = rule_list_for(user=user).filter(code=code).first()
    if rule is None:
        raise NotFoundError()
    return rule


def import_list_for(*, user, source: str = "", status: str = "") -> QuerySet[SourceImport]:
    if not _staff_with(user, "integrity.view_sourceimport"):
        return SourceImport.objects.none()
    qs = SourceImport.objects.select_related("created_by", "preview_of")
    if source:
        qs = qs.filter(source=source)
    if status in SourceImport.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def import_get_for(*, user, import_id) -> SourceImport:
    job = import_list_for(user=user).filter(pk=import_id).first()
    if job is None:
        raise NotFoundError()
    return job
