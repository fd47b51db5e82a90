"""The monthly statistical forms (人社统计月报) the centre files, and a record of each one exported for filing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatFormFiling(models.Model):
    """One export of a form for filing: the figures as they were, so a later correction shows as a new row."""

    form = models.CharField(_("form"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    # None: the whole city; otherwise the area the figures cover (the city level 510800 or a district).
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("area"))
    values = models.JSONField(_("figures"))
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("statistical form filing")
        verbose_name_plural = _("statistical form filings")
        permissions = [("view_statforms", "Can produce the monthly statistical forms")]

    def __str__(self):
        return f"{self.form} {self.year}-{self.month:02d}"
