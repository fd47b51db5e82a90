"""A priority-group person's file (一人一档): group tags, employment status history and household.

Group codes are rows (seeded by a data migration, extended by an administrator), not an enum: the official
人社 code tables were not found (DOMAIN.md §9.2) and Sichuan's list of 就业困难人员 subtypes may differ."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class GroupCode(models.Model):
    """A priority group (重点群体), or a subtype of one when `parent` is set (就业困难人员's categories)."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtypes",
                               verbose_name=_("group"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("group code")
        verbose_name_plural = _("group codes")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


class MembershipSource(models.TextChoices):
    ROSTER = "roster", _("Roster import")
    CASEWORKER = "caseworker", _("Caseworker")
    DEPARTMENT = "department", _("Other department's data")
    SELF = "self", _("Self-declared")


class GroupMembership(models.Model):
    """A person's membership of a group over a period, with the evidence and where it came from."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="group_memberships",
                               verbose_name=_("person"))
    group = models.ForeignKey(GroupCode, on_delete=models.PROTECT, related_name="memberships",
                              limit_choices_to={"parent__isnull": True}, verbose_name=_("group"))
    subtype = models.ForeignKey(GroupCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("subtype"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=MembershipSource.choices)
    roster_import = models.ForeignKey("priority_groups.PersonRosterImport", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="memberships")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "group", "-valid_from"]
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        permissions = [
            ("view_caseload", "Can see priority-group people's files"),
            ("manage_caseload", "Can record groups, statuses, plans, services and referrals"),
            ("import_roster", "Can import priority-group rosters"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="pg_membership_period_ordered"),
            # One open membership of a group per person; on PostgreSQL an exclusion constraint also refuses
            # overlapping closed periods (migration 0002).
            models.UniqueConstraint(fields=["person", "group"], condition=Q(valid_to__isnull=True),
                                    name="pg_membership_one_open_per_group"),
        ]

    def __str__(self):
        return f"{self.group} {self.valid_from}–{self.valid_to or ''}"


class EmploymentStatusKind(models.TextChoices):
    EMPLOYED_LOCAL = "employed_local", _("Employed locally")
    EMPLOYED_OUT_OF_COUNTY = "employed_out_county", _("Employed outside the county")
    EMPLOYED_OUT_OF_PROVINCE = "employed_out_province", _("Employed outside the province")
    SELF_EMPLOYED = "self_employed", _("Self-employed or running a business")
    FLEXIBLE = "flexible", _("Flexible employment")
    PUBLIC_WELFARE_POST = "public_welfare_post", _("Public-welfare post")
    IN_TRAINING = "in_training", _("In training or an internship")
    UNEMPLOYED = "unemployed", _("Not working")


EMPLOYED_KINDS = frozenset({
    EmploymentStatusKind.EMPLOYED_LOCAL, EmploymentStatusKind.EMPLOYED_OUT_OF_COUNTY,
    EmploymentStatusKind.EMPLOYED_OUT_OF_PROVINCE, EmploymentStatusKind.SELF_EMPLOYED,
    EmploymentStatusKind.FLEXIBLE, EmploymentStatusKind.PUBLIC_WELFARE_POST,
})
# "Employed or taking part in employment-preparation activities" (人社部发〔2013〕41号), the graduate rate.
EMPLOYED_OR_PREPARING_KINDS = EMPLOYED_KINDS | {EmploymentStatusKind.IN_TRAINING}


class EmploymentStatus(models.Model):
    """One period of a person's employment status. Periods never overlap: a new status closes the open one the
    day before it starts (services), a DB constraint refuses overlaps on PostgreSQL (migration 0002)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="employment_statuses",
                               verbose_name=_("person"))
    status = models.CharField(_("employment status"), max_length=24, choices=EmploymentStatusKind.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    employer_name = models.CharField(_("employer or place of work"), max_length=128, blank=True)
    work_place = models.CharField(_("where"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=MembershipSource.choices,
                              default=MembershipSource.CASEWORKER)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-valid_from"]
        verbose_name = _("employment status")
        verbose_name_plural = _("employment statuses")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="pg_status_period_ordered"),
            models.UniqueConstraint(fields=["person"], condition=Q(valid_to__isnull=True),
                                    name="pg_status_one_open_per_person"),
            models.UniqueConstraint(fields=["person", "valid_from"], name="pg_status_unique_start"),
        ]

    def __str__(self):
        return f"{self.get_status_display()} {self.valid_from}–{self.valid_to or ''}"

    @property
    def is_employed(self) -> bool:
        return self.status in EMPLOYED_KINDS


class Household(models.Model):
    """A household (户). Whether it is a zero-employment household (零就业家庭) is derived from its members'
    current statuses (selectors.household_employment), never typed in."""

    name = models.CharField(_("household"), max_length=64, help_text=_("Usually the head's name."))
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    urban = models.BooleanField(_("urban household"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.name


class HouseholdMember(models.Model):
    class Relationship(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    # A person belongs to one household.
    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="household_membership",
                                  verbose_name=_("person"))
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(relationship="head"),
                                    name="pg_household_one_head"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_relationship_display()})"
