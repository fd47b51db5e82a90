"""Roster imports: a list of people of one group (the poverty roster, the education department's graduate
roster, a village's list) read from .xlsx and put in the group.

An import is a row run by a Celery task in chunks, with a progress bar. It runs first as a preview (nothing
written but counts and reasons), then for real on the same stored file. Every rejected row is reported with
its row number and reasons, on the page and in a downloadable file. The key is the ID number: a person already
in the group on the roster's date is "unchanged", so importing the same file again changes nothing; a run
started again after a worker died redoes the rows its earlier run did not finish.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.core.crypto import lookup_hash
from guangyuan_jobs.core.errors import ApplicationError
from guangyuan_jobs.core.identifiers import parse_resident_id
from guangyuan_jobs.core.masking import mask_id_number
from guangyuan_jobs.core.xlsx import XlsxLimits, read_text
from guangyuan_jobs.imports import services as imports
from guangyuan_jobs.imports.services import ImportRow, ImportSpec, RowRejected
from guangyuan_jobs.registry.models import Person, Region
from guangyuan_jobs.registry.services import person_get_or_create
from priority_groups.models import GroupCode, GroupMembership, MembershipSource, PersonRosterImport
from priority_groups.services.common import IMPORT, VIEW, require_staff_permission
from priority_groups.services.people import membership_add

ROSTER_LIMITS = XlsxLimits(max_rows=300_000, max_columns=32)

COLUMNS = {
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "ID number"),
    "name": ("姓名", "name"),
    "phone": ("联系电话", "手机号码", "电话", "phone"),
    "region": ("所在地区代码", "村（社区）代码", "地区代码", "region code"),
    "note": ("备注", "毕业院校", "note"),
}
OPTIONAL = ("phone", "region", "note")

OUTCOME_REJECTED, OUTCOME_NEW, OUTCOME_UNCHANGED = "rejected", "new", "unchanged"
OUTCOME_LABELS = {
    OUTCOME_REJECTED: gettext_lazy("Rejected"),
    OUTCOME_NEW: gettext_lazy("Added to the group"),
    OUTCOME_UNCHANGED: gettext_lazy("Already in the group"),
}


@dataclass(frozen=True)
class RosterPerson:
    number: int
    id_number: str
    name: str
    phone: str
    region_code: str
    note: str


def roster_import_start(*, file, group: GroupCode, valid_from, evidence: str, actor) -> PersonRosterImport:
    """Store the uploaded roster and queue its preview. Refuses (changing nothing) a user without the permission,
    a subgroup or inactive group, and any file `core.xlsx` refuses."""
    require_staff_permission(actor, IMPORT)
    if group.parent_id is not None or not group.active:
        raise ValidationError({"group": [_("Choose an active group.")]})
    evidence = (evidence or "").strip()
    if not evidence or len(evidence) > 200:
        raise ValidationError({"evidence": [_("Say which list this is (at most 200 characters).")]})
    return imports.job_start(SPEC, file=file, actor=actor, default_name="roster.xlsx",
                             fields={"group": group, "valid_from": valid_from, "evidence": evidence})


def _titles() -> dict[str, str]:
    return {"id_number": _("ID number"), "name": _("Name"), "phone": _("Phone"), "region": _("Region code"),
            "note": _("Note")}


def roster_row_parse(row: ImportRow, regions: dict) -> RosterPerson:
    """The row's values checked; RowRejected lists every bad cell with its column and reason."""
    titles = _titles()
    reasons: list[str] = []
    values: dict = {}

    def take(name, convert):
        if name not in row.cells:
            values[name] = ""
            return
        try:
            values[name] = convert(row.cells[name])
        except ValueError as exc:
            reasons.append(f"{titles[name]}: {exc}")
        except ValidationError as exc:
            reasons.append(f"{titles[name]}: {' '.join(exc.messages)}")

    def phone(value):
        text = read_text(value, max_length=20, required=False)
        if text and not (len(text) == 11 and text.isdigit() and text.startswith("1")):
            raise ValueError(_("Enter an 11-digit mobile number."))
        return text

    def region(value):
        code = read_text(value, max_length=12, required=False)
        if code and code not in regions:
            raise ValueError(_("Unknown region code %(code)s.") % {"code": code})
        return code

    take("id_number", lambda v: parse_resident_id(read_text(v, max_length=22)).number)
    take("name", lambda v: read_text(v, max_length=64))
    take("phone", phone)
    take("region", region)
    take("note", lambda v: read_text(v, max_length=100, required=False))
    if reasons:
        raise RowRejected(reasons)
    return RosterPerson(number=row.number, id_number=values["id_number"], name=values["name"], phone=values["phone"],
                        region_code=values["region"], note=values["note"])


class PersonRosterSpec(ImportSpec):
    """A list of people of one group: keyed on the ID number; a person already in the group on the roster's
    date is unchanged, so importing the same file again adds no one twice."""

    model = PersonRosterImport
    task = "priority_groups.tasks.roster_import_run"
    events = {"started": "priority_groups.roster_import.started", "finished": "priority_groups.roster_import.finished",
              "failed": "priority_groups.roster_import.failed",
              "rejected_downloaded": "priority_groups.roster_import.rejected_downloaded"}
    log_name = "priority-group roster import"
    limits = ROSTER_LIMITS
    rejected_dir = "pg-rosters/rejected/"
    columns = COLUMNS
    optional_columns = OPTIONAL
    counters = {OUTCOME_REJECTED: ("rows_rejected",), OUTCOME_NEW: ("rows_new",),
                OUTCOME_UNCHANGED: ("rows_unchanged",)}
    preview_blank = {"name": "", "id_number": ""}
    duplicate_message = gettext_lazy("The same ID number is already on row %(row)d of this file.")
    copy_fields = ("group", "valid_from", "evidence")
    select_related = ("created_by", "group")

    def require_import(self, actor):
        require_staff_permission(actor, IMPORT)

    def require_view(self, actor):
        require_staff_permission(actor, VIEW)

    def started_details(self, job):
        return {"group": job.group_id}

    def run_context(self, job):
        return Region.objects.in_bulk()

    def parse(self, row, regions):
        return roster_row_parse(row, regions)

    def key(self, item):
        return item.id_number

    def prefetch(self, job, entries, regions):
        digests = {entry.key: lookup_hash(entry.key) for entry in entries}
        return digests, _in_group(job, list(digests.values()))

    def handle(self, job, entry, found, regions, tally):
        digests, already = found
        item: RosterPerson = entry.item
        named = {"name": item.name, "id_number": mask_id_number(item.id_number)}
        if digests[item.id_number] in already:
            tally.record(entry.row, OUTCOME_UNCHANGED, **named)
            return
        if not job.dry_run:
            try:
                with transaction.atomic():
                    _member_create(item, job, regions)
            except (ApplicationError, ValidationError) as exc:
                message = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
                tally.record(entry.row, OUTCOME_REJECTED, reasons=[str(message)], **named)
                return
        tally.record(entry.row, OUTCOME_NEW, **named)


SPEC = PersonRosterSpec()
# Import for real a finished preview's file (a second click returns the same import); process one import (the
# Celery task's body); open the file of rejected rows (audited).
roster_import_commit, roster_import_run, roster_rejected_file_open = SPEC.commit, SPEC.run, SPEC.rejected_open


def _in_group(roster: PersonRosterImport, digests: list[str]) -> set[str]:
    """The ID hashes of people already in the roster's group on its date (or from a later date still open)."""
    covering = GroupMembership.objects.filter(group=roster.group, person__id_number_hash__in=digests).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=roster.valid_from))
    return set(covering.values_list("person__id_number_hash", flat=True))


def _member_create(item: RosterPerson, roster: PersonRosterImport, regions) -> None:
    """The person (registered if new; where they live from the row, else their ID number's county when it is in
    Guangyuan) and their membership of the group, with the roster as evidence."""
    region_code = item.region_code or item.id_number[:6]
    region = regions.get(region_code) if region_code.startswith(CITY_CODE[:4]) else None
    person = person_get_or_create(id_number=item.id_number, name=item.name, phone=item.phone, region=region,
                                  actor=roster.created_by)
    if person.region_id is None and region is not None:
        Person.objects.filter(pk=person.pk, region__isnull=True).update(region=region)
    if not scope_queryset(Person.objects.filter(pk=person.pk), user=roster.created_by).exists():
        raise ApplicationError(_("This person lives outside your area."), code="outside_scope")
    evidence = f"{roster.evidence}（{item.note}）" if item.note else roster.evidence
    membership_add(person=person, group=roster.group, valid_from=roster.valid_from, evidence=evidence[:200],
                   source=MembershipSource.ROSTER, actor=roster.created_by, roster_import=roster)
