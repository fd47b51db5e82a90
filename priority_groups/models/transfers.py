"""Organised labour transfers (有组织劳务输出) as trips with their people, employment bases and workshops
(就业基地/车间) with who works there, and the monitored villages' periodic returns (农民工就业创业监测)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TransferTrip(models.Model):
    class Cooperation(models.TextChoices):
        CHONGQING = "chongqing", _("Chongqing–Guangyuan cooperation (渝广)")
        CHENGDU = "chengdu", _("Chengdu–Guangyuan cooperation (成广)")
        XIAN = "xian", _("Xi'an–Guangyuan cooperation (西广)")
        EAST_WEST = "east_west", _("East–west labour cooperation (东西部协作)")
        OTHER = "other", _("Other destination")

    cooperation = models.CharField(_("cooperation"), max_length=16, choices=Cooperation.choices)
    destination = models.CharField(_("destination"), max_length=64)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("organised by"))
    departed_on = models.DateField(_("departed on"))
    transport = models.CharField(_("transport"), max_length=64, blank=True,
                                 help_text=_("e.g. the dedicated bus or train (专车专列)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-departed_on", "-id"]
        verbose_name = _("organised transfer")
        verbose_name_plural = _("organised transfers")

    def __str__(self):
        return f"{self.departed_on} → {self.destination}"


class TransferTripMember(models.Model):
    trip = models.ForeignKey(TransferTrip, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pg_transfers",
                               verbose_name=_("person"))
    employer_name = models.CharField(_("employer"), max_length=128)

    class Meta:
        ordering = ["trip", "id"]
        verbose_name = _("transferred person")
        verbose_name_plural = _("transferred people")
        constraints = [models.UniqueConstraint(fields=["trip", "person"], name="pg_trip_person_once")]

    def __str__(self):
        return str(self.person)


class EmploymentBase(models.Model):
    class Kind(models.TextChoices):
        BASE = "base", _("Employment base (就业基地)")
        WORKSHOP = "workshop", _("Employment workshop (就业车间)")

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    operator_name = models.CharField(_("run by"), max_length=128)
    established_on = models.DateField(_("established on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("employment base or workshop")
        verbose_name_plural = _("employment bases and workshops")

    def __str__(self):
        return self.name


class BaseWorker(models.Model):
    base = models.ForeignKey(EmploymentBase, on_delete=models.CASCADE, related_name="workers")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="pg_base_jobs",
                               verbose_name=_("person"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["base", "-started_on"]
        verbose_name = _("worker at a base or workshop")
        verbose_name_plural = _("workers at bases and workshops")
        constraints = [
            models.UniqueConstraint(fields=["base", "person"], condition=Q(ended_on__isnull=True),
                                    name="pg_base_worker_once_open"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="pg_base_worker_period_ordered"),
        ]

    def __str__(self):
        return str(self.person)


class VillageReturn(models.Model):
    """A monitored village's return for one month: its migrant workers out, returned, working locally and not
    working. One per village and month; a correction replaces the figures (audited)."""

    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("village"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    migrants_out = models.PositiveIntegerField(_("migrant workers out"))
    returned = models.PositiveIntegerField(_("returned"))
    employed_locally = models.PositiveIntegerField(_("employed locally"))
    not_working = models.PositiveIntegerField(_("not working"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "region"]
        verbose_name = _("village monitoring return")
        verbose_name_plural = _("village monitoring returns")
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="pg_village_return_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="pg_village_return_month_start"),
        ]

    def __str__(self):
        return f"{self.region} {self.month:%Y-%m}"
