"""The draw session (one public event drawing several packages in their published order), its witnesses,
each package's draw (sealed; a re-draw is a new attempt with a reason) and replacements of withdrawn winners."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DrawSession(models.Model):
    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        DRAWN = "drawn", _("Drawn, result sealed")

    ref = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("draw time"))
    venue = models.CharField(_("venue"), max_length=200)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    max_wins_per_institution = models.PositiveSmallIntegerField(_("most packages one institution may win"))
    min_public_numbers = models.PositiveSmallIntegerField(_("public numbers needed"))
    commitment_sha256 = models.CharField(_("commitment (SHA-256)"), max_length=64)
    # The committed value, encrypted until the draw reveals it (then copied to `committed_value`).
    committed_value_encrypted = models.TextField(editable=False)
    committed_value = models.CharField(_("committed value"), max_length=64, blank=True)
    public_numbers = models.JSONField(_("public numbers"), default=list, blank=True)
    public_numbers_source = models.CharField(_("source of the public numbers"), max_length=200)
    stream_url = models.URLField(_("live stream / recording link"), max_length=300, blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=100, blank=True)
    notary_certificate = models.CharField(_("notarial certificate no."), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ANNOUNCED)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status="announced") | ~Q(committed_value=""),
                                   name="draw_session_drawn_reveals_value"),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"


class SessionPackage(models.Model):
    """A package in a session, at its published position."""

    session = models.ForeignKey(DrawSession, on_delete=models.PROTECT, related_name="entries")
    package = models.OneToOneField("training.TrainingPackage", on_delete=models.PROTECT, related_name="session_entry")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"], name="session_package_position")]


class Witness(models.Model):
    class Role(models.TextChoices):
        NOTARY = "notary", _("Notary")
        DISCIPLINE = "discipline", _("Discipline inspector")
        DEPARTMENT = "department", _("Department representative")
        INSTITUTION = "institution", _("Institution representative")
        OTHER = "other", _("Other observer")

    session = models.ForeignKey(DrawSession, on_delete=models.CASCADE, related_name="witnesses")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    name = models.CharField(_("name"), max_length=64)
    organisation = models.CharField(_("organisation"), max_length=128)

    class Meta:
        ordering = ["session", "role", "id"]


class Draw(models.Model):
    """One draw of one package. Sealed once written: a second draw is a new row (attempt + 1) with a reason;
    only one row per package is current."""

    session = models.ForeignKey(DrawSession, on_delete=models.PROTECT, related_name="draws")
    package = models.ForeignKey("training.TrainingPackage", on_delete=models.PROTECT, related_name="draws")
    attempt = models.PositiveSmallIntegerField(_("attempt"))
    current = models.BooleanField(default=True)
    pool_sha256 = models.CharField(max_length=64)
    # Public numbers used by this attempt: the session's, plus those announced at a re-draw.
    public_numbers = models.JSONField(default=list)
    seed = models.CharField(max_length=64)
    order = models.JSONField(default=list)
    capped = models.JSONField(default=list)
    winner = models.ForeignKey("training.Institution", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="draws_won")
    reserves = models.JSONField(default=list)
    reason = models.TextField(_("reason for the re-draw"), blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "package", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["package", "attempt"], name="draw_package_attempt"),
            models.UniqueConstraint(fields=["package"], condition=Q(current=True), name="draw_one_current"),
            models.CheckConstraint(condition=Q(attempt=1) | ~Q(reason=""), name="draw_redraw_has_reason"),
        ]


class Replacement(models.Model):
    """A winner withdrew; the next reserve took the package."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="replacements")
    withdrawn = models.ForeignKey("training.Institution", on_delete=models.PROTECT, related_name="+")
    replacement = models.ForeignKey("training.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["draw", "id"]
        constraints = [models.UniqueConstraint(fields=["draw", "withdrawn"], name="replacement_once")]
