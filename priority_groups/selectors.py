"""Every non-trivial read of the priority-groups app, scoped to what the actor may see. Other apps use
`is_registered_unemployed` and `employment_registrations`."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.policy.selectors import policy_value
from guangyuan_jobs.registry.models import Person, Region
from priority_groups import rules
from priority_groups.models import (
    EMPLOYED_KINDS,
    EMPLOYED_OR_PREPARING_KINDS,
    EmploymentBase,
    EmploymentRegistration,
    EmploymentStatus,
    FollowUp,
    GroupCode,
    GroupMembership,
    Household,
    HouseholdMember,
    PersonRosterImport,
    Plan,
    Referral,
    ServiceRecord,
    TransferTrip,
    Vacancy,
    VillageReturn,
)
from priority_groups.services.common import VIEW


def may_view(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and not user.is_applicant and user.has_perm(VIEW))


# --- for other apps -----------------------------------------------------------------------------------------------


def is_registered_unemployed(person: Person, *, on: datetime.date) -> bool:
    """Whether the person held an unemployment registration (失业登记) on that day."""
    return EmploymentRegistration.objects.filter(
        person=person, kind=EmploymentRegistration.Kind.UNEMPLOYMENT, registered_on__lte=on,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on)).exists()


def employment_registrations(person: Person) -> QuerySet[EmploymentRegistration]:
    """The person's employment and unemployment registrations, newest first, with the certificate."""
    return (EmploymentRegistration.objects.filter(person=person).select_related("certificate", "region", "employer")
            .order_by("-registered_on", "-id"))


# --- people -------------------------------------------------------------------------------------------------------


def current_memberships(on: datetime.date) -> QuerySet[GroupMembership]:
    return (GroupMembership.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .select_related("group", "subtype"))


def _status_on(on: datetime.date, kinds) -> Exists:
    return Exists(EmploymentStatus.objects.filter(person=OuterRef("pk"), valid_from__lte=on, status__in=kinds)
                  .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)))


def person_list_for(*, user, group: str = "", name: str = "", region: str = "", status: str = "",
                    on: datetime.date | None = None) -> QuerySet[Person]:
    """People in at least one priority group (ever), in the user's area, with today's groups and status."""
    on = on or timezone.localdate()
    people = scope_queryset(Person.objects.filter(group_memberships__isnull=False).distinct(), user=user)
    if group:
        people = people.filter(pk__in=current_memberships(on).filter(group_id=group).values("person_id"))
    if name:
        people = people.filter(name__icontains=name)
    if region:
        people = people.filter(region__pk__startswith=region)
    if status:
        people = people.filter(pk__in=EmploymentStatus.objects.filter(status=status, valid_to__isnull=True)
                               .values("person_id"))
    return (people.select_related("region", "plan__caseworker")
            .prefetch_related(Prefetch("group_memberships", queryset=current_memberships(on), to_attr="groups_now"),
                              Prefetch("employment_statuses", queryset=EmploymentStatus.objects.filter(
                                  valid_to__isnull=True), to_attr="status_now"))
            .order_by("region_id", "name", "pk"))


def person_get_for(*, user, pk: int) -> Person | None:
    return scope_queryset(Person.objects.select_related("region"), user=user).filter(pk=pk).first()


def person_search_for(*, user, name: str) -> QuerySet[Person]:
    """Anyone in the registry in the user's area by name, to add to a group."""
    return scope_queryset(Person.objects.select_related("region"), user=user).filter(name__icontains=name)[:20]


def status_on(person: Person, on: datetime.date) -> EmploymentStatus | None:
    return (EmploymentStatus.objects.filter(person=person, valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).first())


@dataclass(frozen=True)
class MemberEmployment:
    person: Person
    relationship: str
    working_age: bool
    employed: bool
    status: EmploymentStatus | None


@dataclass(frozen=True)
class HouseholdEmployment:
    household: Household
    members: tuple[MemberEmployment, ...]
    zero_employment: bool


def labour_age(on: datetime.date, region: str | None) -> rules.LabourAge:
    region = region or CITY_CODE
    return rules.LabourAge(minimum=int(policy_value("pg.labour_age.minimum", on=on, region=region)),
                           male_maximum=int(policy_value("pg.labour_age.male_maximum", on=on, region=region)),
                           female_maximum=int(policy_value("pg.labour_age.female_maximum", on=on, region=region)))


def household_employment(household: Household, *, on: datetime.date | None = None) -> HouseholdEmployment:
    """Who in the household is of working age and employed on that day, and so whether it is a zero-employment
    household: derived, never stored."""
    on = on or timezone.localdate()
    ages = labour_age(on, household.region_id)
    members = []
    for member in household.members.select_related("person").order_by("id"):
        status = status_on(member.person, on)
        of_age = rules.is_working_age(birth_date=member.person.birth_date, sex=member.person.sex, on=on,
                                      labour_age=ages)
        members.append(MemberEmployment(person=member.person, relationship=member.get_relationship_display(),
                                        working_age=of_age, employed=bool(status and status.is_employed),
                                        status=status))
    zero = rules.is_zero_employment([(m.working_age, m.employed) for m in members])
    return HouseholdEmployment(household=household, members=tuple(members), zero_employment=zero)


def household_list_for(*, user, name: str = "", zero_only: bool = False) -> list[HouseholdEmployment]:
    households = scope_queryset(Household.objects.select_related("region"), user=user)
    if name:
        households = households.filter(name__icontains=name)
    rows = [household_employment(h) for h in households.order_by("region_id", "name")[:500]]
    return [row for row in rows if row.zero_employment] if zero_only else rows


@dataclass(frozen=True)
class PersonFile:
    """一人一档: everything the centre knows of one person's employment."""

    person: Person
    memberships: QuerySet
    statuses: QuerySet
    current_status: EmploymentStatus | None
    household: HouseholdEmployment | None
    registrations: QuerySet
    plan: Plan | None
    follow_ups: QuerySet
    services: QuerySet
    referrals: QuerySet
    cases: QuerySet


def person_file(person: Person, *, on: datetime.date | None = None) -> PersonFile:
    on = on or timezone.localdate()
    membership = HouseholdMember.objects.filter(person=person).select_related("household").first()
    plan = Plan.objects.filter(person=person).select_related("caseworker").prefetch_related("measures").first()
    return PersonFile(
        person=person,
        memberships=person.group_memberships.select_related("group", "subtype").order_by("-valid_from"),
        statuses=person.employment_statuses.order_by("-valid_from"),
        current_status=status_on(person, on),
        household=household_employment(membership.household, on=on) if membership else None,
        registrations=employment_registrations(person),
        plan=plan,
        follow_ups=plan.follow_ups.order_by("-due_on") if plan else FollowUp.objects.none(),
        services=person.pg_services.select_related("staff").order_by("-served_on", "-id"),
        referrals=person.pg_referrals.select_related("vacancy").order_by("-referred_on", "-id"),
        # Claims and loans of every app are Case rows (casework); the case page applies its own scope.
        cases=Case.objects.filter(applicant_person=person).order_by("-created_at"),
    )


# --- plans and follow-ups --------------------------------------------------------------------------------------


def follow_ups_due_for(*, user, overdue_only: bool = False, today: datetime.date | None = None
                       ) -> QuerySet[FollowUp]:
    """The caseworker's open follow-ups (of the plans they are responsible for), oldest due first."""
    today = today or timezone.localdate()
    due = FollowUp.objects.filter(plan__caseworker=user, plan__status=Plan.Status.OPEN, done_on__isnull=True,
                                  cancelled=False)
    due = scope_queryset(due, user=user, region_field="plan__person__region")
    if overdue_only:
        due = due.filter(due_on__lt=today)
    return due.select_related("plan__person__region").order_by("due_on", "id")


def plan_list_for(*, user, caseworker_only: bool = False, status: str = "") -> QuerySet[Plan]:
    plans = scope_queryset(Plan.objects.all(), user=user, region_field="person__region")
    if caseworker_only:
        plans = plans.filter(caseworker=user)
    if status:
        plans = plans.filter(status=status)
    return plans.select_related("person__region", "caseworker").order_by("-started_on", "-id")


def caseworker_choices_for(person: Person):
    """Staff who may take on the person's plan: the permission, and the person in their area."""
    from guangyuan_jobs.accounts.models import User

    staff = (User.objects.filter(is_active=True, kind=User.Kind.STAFF)
             .filter(Q(groups__permissions__codename="manage_caseload") | Q(is_superuser=True)).distinct()
             .order_by("username"))
    return [user for user in staff if scope_queryset(Person.objects.filter(pk=person.pk), user=user).exists()]


# --- service records and jobs ----------------------------------------------------------------------------------


def service_list_for(*, user, service_type: str = "", start: datetime.date | None = None,
                     end: datetime.date | None = None, group: str = "", region: str = "") -> QuerySet[ServiceRecord]:
    services = scope_queryset(ServiceRecord.objects.all(), user=user, region_field="person__region")
    if service_type:
        services = services.filter(service_type=service_type)
    if start:
        services = services.filter(served_on__gte=start)
    if end:
        services = services.filter(served_on__lte=end)
    if group:
        services = services.filter(person__group_memberships__group_id=group).distinct()
    if region:
        services = services.filter(person__region__pk__startswith=region)
    return services.select_related("person__region", "staff").order_by("-served_on", "-id")


def vacancy_list_for(*, user, source: str = "", open_only: bool = False) -> QuerySet[Vacancy]:
    vacancies = scope_queryset(Vacancy.objects.all(), user=user)
    if source:
        vacancies = vacancies.filter(source=source)
    if open_only:
        vacancies = vacancies.filter(open=True)
    return (vacancies.select_related("region")
            .annotate(referred=Count("referrals"), hired=Count("referrals", filter=Q(referrals__outcome="hired")))
            .order_by("-created_at"))


def vacancy_get_for(*, user, pk: int) -> Vacancy | None:
    return scope_queryset(Vacancy.objects.select_related("region"), user=user).filter(pk=pk).first()


def referrals_of_vacancy_for(*, user, vacancy: Vacancy) -> QuerySet[Referral]:
    return scope_queryset(vacancy.referrals.select_related("person", "staff"), user=user,
                          region_field="person__region").order_by("-referred_on", "-id")


def referral_get_for(*, user, pk: int) -> Referral | None:
    return (scope_queryset(Referral.objects.select_related("person", "vacancy__region"), user=user,
                           region_field="person__region").filter(pk=pk).first())


# --- reports ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    """One group's figures over a period, as the report cites them (section 一(四))."""

    area: str  # a region code, or "" for the whole
    area_name: str
    members: int  # in the group at some time in the period
    placed: int  # employed on the period's last day
    employed_or_preparing: int
    served: int  # given at least one service in the period
    person_times: int  # services in the period (服务人次)

    @property
    def placed_rate(self):
        return rules.rate_percent(self.placed, self.members)

    @property
    def employed_or_preparing_rate(self):
        return rules.rate_percent(self.employed_or_preparing, self.members)

    @property
    def fully_placed(self) -> bool:
        """The 100 % placement check (e.g. retired fishermen): everyone placed, and someone to place."""
        return self.members > 0 and self.placed == self.members


def group_members(people: QuerySet[Person], *, group: str, start: datetime.date, end: datetime.date):
    in_group = GroupMembership.objects.filter(group_id=group, valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    return people.filter(pk__in=in_group.values("person_id"))


def _annotated(members: QuerySet[Person], *, start: datetime.date, end: datetime.date) -> QuerySet[Person]:
    in_period = ServiceRecord.objects.filter(person=OuterRef("pk"), served_on__range=(start, end))
    return members.annotate(
        is_placed=_status_on(end, EMPLOYED_KINDS), is_ready=_status_on(end, EMPLOYED_OR_PREPARING_KINDS),
        was_served=Exists(in_period))


def _figures(area: str, area_name: str, members: QuerySet[Person], *, start, end) -> GroupFigures:
    rows = _annotated(members, start=start, end=end)
    counts = rows.aggregate(members=Count("pk"), placed=Count("pk", filter=Q(is_placed=True)),
                            ready=Count("pk", filter=Q(is_ready=True)), served=Count("pk", filter=Q(was_served=True)))
    times = ServiceRecord.objects.filter(person__in=members.values("pk"), served_on__range=(start, end)).count()
    return GroupFigures(area=area, area_name=area_name, members=counts["members"], placed=counts["placed"],
                        employed_or_preparing=counts["ready"], served=counts["served"], person_times=times)


def group_figures(*, people: QuerySet[Person], group: str, start: datetime.date, end: datetime.date,
                  area: str = "", area_name: str = "") -> GroupFigures:
    return _figures(area, area_name, group_members(people, group=group, start=start, end=end), start=start, end=end)


def group_report_for(*, user, group: str, start: datetime.date, end: datetime.date, by: str = "district"
                     ) -> tuple[GroupFigures, list[GroupFigures]]:
    """The group's figures over the period in the user's area: the total, and one row per district or county
    (`by="district"`) or per village/community the people live in (`by="village"`)."""
    people = scope_queryset(Person.objects.all(), user=user)
    members = group_members(people, group=group, start=start, end=end)
    total = _figures("", "", members, start=start, end=end)
    length = 6 if by == "district" else 12
    codes = sorted({code for code in members.annotate(area=Substr("region_id", 1, length))
                    .values_list("area", flat=True) if code})
    names = dict(Region.objects.filter(pk__in=codes).values_list("pk", "name"))
    rows = []
    for code in codes:
        area_members = members.filter(region__pk__startswith=code) if by == "district" else members.filter(
            region_id=code)
        rows.append(_figures(code, names.get(code, code), area_members, start=start, end=end))
    return total, rows


def group_choices() -> list[tuple[str, str]]:
    return [(g.code, g.label) for g in GroupCode.objects.filter(parent__isnull=True, active=True)]


# --- roster imports ---------------------------------------------------------------------------------------------


def roster_import_list_for(*, user) -> QuerySet[PersonRosterImport]:
    """Whole-city staff see every import; others their own (a preview lists the people of the file)."""
    imports = PersonRosterImport.objects.select_related("group", "created_by")
    if user.scope != user.Scope.WHOLE_CITY:
        imports = imports.filter(created_by=user)
    return imports.order_by("-created_at")


def roster_import_get_for(*, user, pk) -> PersonRosterImport | None:
    return roster_import_list_for(user=user).filter(pk=pk).first()


# --- transfers, bases, villages ---------------------------------------------------------------------------------


def trip_list_for(*, user, cooperation: str = "") -> QuerySet[TransferTrip]:
    trips = scope_queryset(TransferTrip.objects.select_related("region"), user=user)
    if cooperation:
        trips = trips.filter(cooperation=cooperation)
    return trips.annotate(people=Count("members")).order_by("-departed_on", "-id")


def trip_get_for(*, user, pk: int) -> TransferTrip | None:
    return scope_queryset(TransferTrip.objects.select_related("region"), user=user).filter(pk=pk).first()


def base_list_for(*, user, kind: str = "") -> QuerySet[EmploymentBase]:
    bases = scope_queryset(EmploymentBase.objects.select_related("region"), user=user)
    if kind:
        bases = bases.filter(kind=kind)
    return bases.annotate(working=Count("workers", filter=Q(workers__ended_on__isnull=True))).order_by(
        "region_id", "name")


def base_get_for(*, user, pk: int) -> EmploymentBase | None:
    return scope_queryset(EmploymentBase.objects.select_related("region"), user=user).filter(pk=pk).first()


def village_return_list_for(*, user, month: datetime.date | None = None) -> QuerySet[VillageReturn]:
    returns = scope_queryset(VillageReturn.objects.select_related("region", "reported_by"), user=user)
    if month:
        returns = returns.filter(month=month.replace(day=1))
    return returns.order_by("-month", "region_id")
