"""Nearby jobs (就近就地就业岗位) and referrals of people to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Vacancy(models.Model):
    class Source(models.TextChoices):
        KEY_PROJECT = "key_project", _("Key project")
        SHORT_OF_LABOUR = "short_of_labour", _("Enterprise short of labour")
        NEW_ENTITY = "new_entity", _("New business entity")
        LABOUR_COOPERATIVE = "labour_cooperative", _("Township labour cooperative (劳务专合社)")

    title = models.CharField(_("job"), max_length=128)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    employer = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("employer"))
    employer_name = models.CharField(_("employer"), max_length=128)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    positions = models.PositiveIntegerField(_("positions"))
    wage = models.CharField(_("pay"), max_length=64, blank=True)
    open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        constraints = [models.CheckConstraint(condition=Q(positions__gte=1), name="pg_vacancy_positions_positive")]

    def __str__(self):
        return f"{self.employer_name}：{self.title}"


class Referral(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for the outcome")
        HIRED = "hired", _("Hired")
        NOT_HIRED = "not_hired", _("Not hired")
        DECLINED = "declined", _("Declined by the person")

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pg_referrals",
                               verbose_name=_("person"))
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("vacancy"))
    referred_on = models.DateField(_("referred on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            # A double click cannot refer the same person to the same job twice while the first is pending.
            models.UniqueConstraint(fields=["person", "vacancy"], condition=Q(outcome="pending"),
                                    name="pg_referral_one_pending_per_vacancy"),
            models.CheckConstraint(condition=Q(outcome="pending", outcome_on__isnull=True)
                                   | ~Q(outcome="pending") & Q(outcome_on__isnull=False),
                                   name="pg_referral_outcome_dated"),
        ]

    def __str__(self):
        return f"{self.person} → {self.vacancy}"
