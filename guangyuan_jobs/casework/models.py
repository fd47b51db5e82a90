"""One Case row per claim or application, whatever its kind; the kind's own table holds its details."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for correction")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    PUBLICIZED = "publicized", _("Publicly noticed")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Not accepted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


# A person or firm may hold one open claim of a kind for a period; closed ones do not count.
CLOSED_STATUSES = (CaseStatus.REJECTED, CaseStatus.REFUSED, CaseStatus.WITHDRAWN, CaseStatus.LAPSED)


class Case(models.Model):
    ref = models.CharField(_("reference"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, db_index=True)
    applicant_person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="cases", verbose_name=_("applicant (person)"))
    applicant_enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="cases",
                                             verbose_name=_("applicant (enterprise)"))
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_cases", verbose_name=_("assignee"))

    # Who did what, for maker-checker.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    first_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    # Years whose official holiday schedule was not entered when a deadline of this case was counted
    # (counted Monday to Friday instead); the case page warns about them.
    due_date_unknown_years = models.JSONField(default=list, blank=True)

    requested_amount = models.DecimalField(_("requested amount"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    approved_amount = models.DecimalField(_("approved amount"), max_digits=14, decimal_places=2, null=True,
                                          blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The parameters in force on the reference date, kept so the decision can be explained later.
    policy_snapshot = models.JSONField(default=dict, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("file_case", "Can file claims"),
            ("file_case_for_other", "Can file claims on behalf of an applicant"),
            ("accept_case", "Can accept cases (受理)"),
            ("review_case", "Can review cases (审核)"),
            ("approve_case", "Can approve cases (审批)"),
            ("publicize_case", "Can publish cases for public notice (公示)"),
            ("pay_case", "Can pay cases (发放)"),
            ("batch_case", "Can run batch actions"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(applicant_person__isnull=False, applicant_enterprise__isnull=True)
                | Q(applicant_person__isnull=True, applicant_enterprise__isnull=False),
                name="case_one_applicant",
            ),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                                   name="case_approved_amount_not_negative"),
            models.UniqueConstraint(fields=["applicant_person", "kind", "period_start"],
                                    condition=~Q(status__in=CLOSED_STATUSES),
                                    name="case_one_open_claim_per_person_kind_period"),
            models.UniqueConstraint(fields=["applicant_enterprise", "kind", "period_start"],
                                    condition=~Q(status__in=CLOSED_STATUSES),
                                    name="case_one_open_claim_per_enterprise_kind_period"),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="case_status_kind_idx"),
            models.Index(fields=["region", "status"], name="case_region_status_idx"),
        ]

    def __str__(self):
        return self.ref

    @property
    def applicant(self):
        return self.applicant_person or self.applicant_enterprise


class CaseTransition(models.Model):
    """The case's own timeline, shown to applicant and staff; the audit trail holds the same and more."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


def attachment_path(instance, filename):
    # A server-made name: the uploader's file name is kept only as data.
    return f"cases/{instance.case.created_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    material_code = models.CharField(_("material"), max_length=32)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class MissingMaterial(models.Model):
    """容缺受理: a material the case was accepted without, due by a date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="missing_materials")
    material_code = models.CharField(_("material"), max_length=32)
    label = models.CharField(_("material"), max_length=128)
    due_date = models.DateField(_("due date"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    supplied_at = models.DateTimeField(null=True, blank=True)
    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "material_code"], condition=Q(supplied_at__isnull=True),
                                    name="missing_material_one_open_per_code"),
        ]
        # The hourly lapse sweep reads only open items past their due date.
        indexes = [models.Index(fields=["due_date"], condition=Q(supplied_at__isnull=True),
                                name="missing_material_open_due_idx")]


class Payment(models.Model):
    """The payment order made at approval; one per case, refused twice by the database."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        # The approval was withdrawn (refused after an objection during public notice) before payment.
        CANCELLED = "cancelled", _("Cancelled")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="payment")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    approval_event_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative")]


class BatchJob(models.Model):
    """A batch action over many cases, run in chunks by Celery; progress is polled by the page."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.CharField(_("action"), max_length=32)
    comment = models.TextField(_("comment"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class BatchItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPLIED = "applied", _("Done")
        SKIPPED = "skipped", _("Skipped")

    # No index on `job` alone nor on `outcome`: the unique (job, case) index serves every lookup by job, and an
    # outcome update that touches no indexed column can be written in place (a HOT update on PostgreSQL).
    job = models.ForeignKey(BatchJob, on_delete=models.CASCADE, related_name="items", db_index=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    seen_version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(max_length=200, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["job", "case"], name="batch_item_unique_case")]


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for a write: the same key returns the first response."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    scope = models.CharField(max_length=64)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_unique")]
