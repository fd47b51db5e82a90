"""Roster imports: a list of people of one group (the poverty roster, the education department's graduate
roster, a village's list) read from .xlsx and put in the group.

An import is a row run by a Celery task in chunks, with a progress bar. It runs first as a preview (nothing
written but counts and reasons), then for real on the same stored file. Every rejected row is reported with
its row number and reasons, on the page and in a downloadable file. The key is the ID number: a person already
in the group on the roster's date is "unchanged", so importing the same file again changes nothing; a run
started again after a worker died redoes the rows its earlier run did not finish.
"""

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from guangyuan_jobs.accounts.selectors import CITY_CODE, scope_queryset
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.crypto import lookup_hash
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, NotFoundError
from guangyuan_jobs.core.identifiers import parse_resident_id
from guangyuan_jobs.core.masking import mask_id_number, mask_id_numbers_in_text
from guangyuan_jobs.core.xlsx import (
    XlsxLimits,
    XlsxRefused,
    XlsxRow,
    read_text,
    xlsx_check,
    xlsx_columns,
    xlsx_rows,
)
from guangyuan_jobs.registry.models import Person, Region
from guangyuan_jobs.registry.services import person_get_or_create
from guangyuan_jobs.reports.rules import cell_text as safe_cell_text
from priority_groups.models import GroupCode, GroupMembership, MembershipSource, PersonRosterImport
from priority_groups.services.common import IMPORT, VIEW, require_staff_permission
from priority_groups.services.people import membership_add

logger = logging.getLogger(__name__)

CHUNK_ROWS = 200
PREVIEW_PROBLEMS_MAX = 2000
PREVIEW_SAMPLE_MAX = 50
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


class RowRejected(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class _Superseded(Exception):
    """A later run of the same import started (a redelivered task): this one stops."""


@dataclass(frozen=True)
class RosterPerson:
    number: int
    id_number: str
    name: str
    phone: str
    region_code: str
    note: str


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for block in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


def roster_import_start(*, file, group: GroupCode, valid_from, evidence: str, actor) -> PersonRosterImport:
    """Store the uploaded roster and queue its preview. Refuses (changing nothing) a user without the permission,
    a subgroup or inactive group, and any file `core.xlsx` refuses."""
    require_staff_permission(actor, IMPORT)
    if group.parent_id is not None or not group.active:
        raise ValidationError({"group": [_("Choose an active group.")]})
    evidence = (evidence or "").strip()
    if not evidence or len(evidence) > 200:
        raise ValidationError({"evidence": [_("Say which list this is (at most 200 characters).")]})
    xlsx_check(file, limits=ROSTER_LIMITS)
    original_name = os.path.basename(getattr(file, "name", "") or "")[:200] or "roster.xlsx"
    with transaction.atomic():
        roster = PersonRosterImport(group=group, valid_from=valid_from, evidence=evidence, original_name=original_name,
                                    sha256=_sha256(file), dry_run=True, created_by=actor)
        roster.file.save(f"{roster.id.hex}.xlsx", File(file), save=False)
        roster.save()
        _started(roster, actor)
    return roster


def roster_import_commit(*, preview: PersonRosterImport, actor) -> PersonRosterImport:
    """Import for real the file of a finished preview. A second click returns the same import."""
    require_staff_permission(actor, IMPORT)
    with transaction.atomic():
        preview = PersonRosterImport.objects.select_for_update().get(pk=preview.pk)
        if not preview.dry_run or preview.status != PersonRosterImport.Status.PREVIEWED:
            raise ConflictError(_("Only a finished preview can be imported."), code="not_previewed")
        existing = preview.imports.exclude(status=PersonRosterImport.Status.FAILED).first()
        if existing is not None:
            return existing
        roster = PersonRosterImport.objects.create(
            group=preview.group, valid_from=preview.valid_from, evidence=preview.evidence, file=preview.file.name,
            original_name=preview.original_name, sha256=preview.sha256, dry_run=False, preview_of=preview,
            created_by=actor)
        _started(roster, actor)
    return roster


def _started(roster: PersonRosterImport, actor) -> None:
    from priority_groups.tasks import roster_import_run

    audit_log(actor=actor, event_type="priority_groups.roster_import.started", obj=roster,
              details={"group": roster.group_id, "dry_run": roster.dry_run, "sha256": roster.sha256,
                       "file": roster.original_name})
    roster_id = str(roster.id)
    transaction.on_commit(lambda: roster_import_run.delay(roster_id))


def _titles() -> dict[str, str]:
    return {"id_number": _("ID number"), "name": _("Name"), "phone": _("Phone"), "region": _("Region code"),
            "note": _("Note")}


def roster_row_parse(row: XlsxRow, columns: dict[str, int], regions: dict) -> RosterPerson:
    """The row's values checked; RowRejected lists every bad cell with its column and reason."""
    titles = _titles()
    reasons: list[str] = []
    values: dict = {}

    def take(name, convert):
        if name not in columns:
            values[name] = ""
            return
        try:
            values[name] = convert(row.value(columns[name]))
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


@dataclass
class _Tally:
    total: int = 0
    processed: int = 0
    new: int = 0
    unchanged: int = 0
    rejected: int = 0
    samples: int = 0
    preview: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def record(self, *, number: int, values: tuple, outcome: str, reasons=(), name: str = "", masked: str = ""):
        self.processed += 1
        setattr(self, outcome, getattr(self, outcome) + 1)
        problem = outcome == OUTCOME_REJECTED
        if problem:
            self.problems.append((number, values, list(reasons)))
        if (problem and len(self.problems) <= PREVIEW_PROBLEMS_MAX) or (not problem
                                                                        and self.samples < PREVIEW_SAMPLE_MAX):
            self.samples += not problem
            self.preview.append({"row": number, "name": name, "id_number": masked, "outcome": outcome,
                                 "reasons": [mask_id_numbers_in_text(str(r)) for r in reasons]})

    def counters(self) -> dict:
        return {"rows_total": self.total, "rows_processed": self.processed, "rows_new": self.new,
                "rows_unchanged": self.unchanged, "rows_rejected": self.rejected}


def _masked_values(row: XlsxRow) -> tuple:
    """The row's cells for the page and the rejected-rows file, any ID number in them masked."""
    return tuple("" if v is None else mask_id_numbers_in_text(str(v))[:200] for v in row.values)


def roster_import_run(*, import_id) -> None:
    """Process one import. A finished import is left alone; a running one (its worker died, or the task was
    delivered twice) starts again from the top, and the earlier run stops at its next chunk."""
    started = timezone.now()
    claimed = PersonRosterImport.objects.filter(
        pk=import_id, status__in=(PersonRosterImport.Status.PENDING, PersonRosterImport.Status.RUNNING),
    ).update(status=PersonRosterImport.Status.RUNNING, started_at=started, error="", preview=[], finished_at=None,
             rows_total=0, rows_processed=0, rows_new=0, rows_unchanged=0, rows_rejected=0)
    if not claimed:
        return
    this_run = PersonRosterImport.objects.filter(pk=import_id, status=PersonRosterImport.Status.RUNNING,
                                                 started_at=started)
    roster = PersonRosterImport.objects.select_related("created_by", "group").get(pk=import_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            tally, header = _process(roster, this_run)
            rejected_name = _write_rejected_file(roster, header, tally.problems) if tally.problems else ""
        status = PersonRosterImport.Status.PREVIEWED if roster.dry_run else PersonRosterImport.Status.COMPLETED
        with transaction.atomic():
            done = this_run.update(status=status, preview=tally.preview, rejected_file=rejected_name,
                                   finished_at=timezone.now(), **tally.counters())
            if done:
                audit_log(actor=roster.created_by, event_type="priority_groups.roster_import.finished", obj=roster,
                          details={"dry_run": roster.dry_run, **tally.counters()})
        if not done and rejected_name:
            default_storage.delete(rejected_name)
    except _Superseded:
        return
    except Exception as exc:  # noqa: BLE001 - any failure must end in a visible failed state, never a silent loop
        if not isinstance(exc, ApplicationError):
            logger.exception("priority-group roster import %s failed", import_id)
        message = exc.message if isinstance(exc, ApplicationError) else f"{exc.__class__.__name__}: {exc}"
        with transaction.atomic():
            if this_run.update(status=PersonRosterImport.Status.FAILED,
                               error=mask_id_numbers_in_text(str(message))[:2000], finished_at=timezone.now()):
                audit_log(actor=roster.created_by, event_type="priority_groups.roster_import.failed", obj=roster,
                          outcome="failure", details={"error": mask_id_numbers_in_text(str(message))[:200]})


def _open_rows(roster: PersonRosterImport):
    with roster.file.open("rb") as handle:
        yield from xlsx_rows(handle, limits=ROSTER_LIMITS)


def _process(roster: PersonRosterImport, this_run):
    tally = _Tally()
    rows = _open_rows(roster)
    header = next(rows, None)
    if header is None:
        raise XlsxRefused(_("The sheet is empty."), code="xlsx_empty")
    required = {k: v for k, v in COLUMNS.items() if k not in OPTIONAL}
    columns = xlsx_columns(header, required)
    optional = {}
    for name in OPTIONAL:
        try:
            optional.update(xlsx_columns(header, {name: COLUMNS[name]}))
        except XlsxRefused:
            continue  # an optional column left out
    columns.update(optional)
    tally.total = sum(1 for _row in rows)
    if not this_run.update(rows_total=tally.total):
        raise _Superseded
    regions = Region.objects.in_bulk()
    seen: dict[str, int] = {}
    chunk: list[XlsxRow] = []
    rows = _open_rows(roster)
    next(rows)
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            _process_chunk(chunk, columns, roster, regions, seen, tally, this_run)
            chunk = []
    if chunk:
        _process_chunk(chunk, columns, roster, regions, seen, tally, this_run)
    return tally, header


def _in_group(roster: PersonRosterImport, digests: list[str]) -> set[str]:
    """The ID hashes of people already in the roster's group on its date (or from a later date still open)."""
    covering = GroupMembership.objects.filter(group=roster.group, person__id_number_hash__in=digests).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=roster.valid_from))
    return set(covering.values_list("person__id_number_hash", flat=True))


def _process_chunk(chunk, columns, roster: PersonRosterImport, regions, seen, tally: _Tally, this_run) -> None:
    parsed = []
    for row in chunk:
        try:
            item = roster_row_parse(row, columns, regions)
        except RowRejected as exc:
            parsed.append((row, None, exc.reasons))
            continue
        first = seen.setdefault(item.id_number, row.number)
        if first != row.number:
            parsed.append((row, None, [_("The same ID number is already on row %(row)d of this file.")
                                       % {"row": first}]))
            continue
        parsed.append((row, item, []))
    digests = {item.id_number: lookup_hash(item.id_number) for _row, item, _r in parsed if item}
    already = _in_group(roster, list(digests.values()))
    with transaction.atomic():
        for row, item, reasons in parsed:
            values = _masked_values(row)
            if item is None:
                tally.record(number=row.number, values=values, outcome=OUTCOME_REJECTED, reasons=reasons)
                continue
            masked = mask_id_number(item.id_number)
            if digests[item.id_number] in already:
                tally.record(number=row.number, values=values, outcome=OUTCOME_UNCHANGED, name=item.name,
                             masked=masked)
                continue
            if not roster.dry_run:
                try:
                    with transaction.atomic():
                        _member_create(item, roster, regions)
                except (ApplicationError, ValidationError) as exc:
                    message = exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages)
                    tally.record(number=row.number, values=values, outcome=OUTCOME_REJECTED, reasons=[str(message)],
                                 name=item.name, masked=masked)
                    continue
            tally.record(number=row.number, values=values, outcome=OUTCOME_NEW, name=item.name, masked=masked)
        if not this_run.update(**{k: v for k, v in tally.counters().items() if k != "rows_total"}):
            raise _Superseded


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


def _write_rejected_file(roster: PersonRosterImport, header: XlsxRow, problems: list) -> str:
    """Every rejected row with its number and reasons; no cell can start a formula; ID numbers masked."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))
    titles = [safe_cell_text("" if v is None else str(v)) for v in header.values]
    sheet.append([_("Row"), *titles, _("Reasons")])
    width = len(titles)
    for number, values, reasons in problems:
        cells = [safe_cell_text(v) for v in values[:width]] + [""] * (width - min(len(values), width))
        sheet.append([number, *cells, safe_cell_text("；".join(mask_id_numbers_in_text(str(r)) for r in reasons))])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="pg-roster-rejected-")
    os.close(handle)
    try:
        book.save(path)
        with open(path, "rb") as stored:
            return default_storage.save(f"pg-rosters/rejected/{roster.pk.hex}.xlsx", File(stored))
    finally:
        os.unlink(path)


def roster_rejected_file_open(*, roster: PersonRosterImport, actor):
    """The file of rejected rows, opened for reading; the download is audited."""
    require_staff_permission(actor, VIEW)
    if not roster.rejected_file:
        raise NotFoundError()
    handle = roster.rejected_file.open("rb")
    audit_log(actor=actor, event_type="priority_groups.roster_import.rejected_downloaded", obj=roster,
              details={"rows": roster.rows_rejected})
    return handle
