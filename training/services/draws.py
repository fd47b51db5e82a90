"""The public lottery: announcing a draw session (pools, hashes, commitment published in advance), drawing it
on site from the public numbers announced there, sealed re-draws and the replacement of a withdrawn winner.
The arithmetic is training.lottery; this module only records it."""

import datetime
import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from guangyuan_jobs.accounts.selectors import CITY_CODE
from guangyuan_jobs.audit.services import audit_log
from guangyuan_jobs.core.crypto import decrypt_value, encrypt_value
from guangyuan_jobs.core.errors import ApplicationError, ConflictError
from guangyuan_jobs.policy.selectors import policy_value
from training import lottery, rules
from training.models import Draw, DrawSession, Institution, Replacement, SessionPackage, TrainingPackage, Witness
from training.services.common import fresh_ref, require_in_area, require_perm

PUBLIC_NUMBER = re.compile(r"^[0-9A-Za-z.\-]{1,32}$")
MAX_PUBLIC_NUMBERS = 20
REASON_MIN = 6


def _clean_numbers(raw, *, minimum: int) -> list[str]:
    if isinstance(raw, str):
        raw = re.split(r"[\s,，;；]+", raw.strip())
    numbers = [str(n).strip() for n in (raw or []) if str(n).strip()]
    if len(numbers) < minimum:
        raise ApplicationError(_("Enter at least %(n)d public numbers, in the order announced.") % {"n": minimum},
                               code="public_numbers_missing")
    if len(numbers) > MAX_PUBLIC_NUMBERS or any(not PUBLIC_NUMBER.match(n) for n in numbers):
        raise ApplicationError(_("Public numbers are digits or letters (at most 32 each, %(max)d numbers).")
                               % {"max": MAX_PUBLIC_NUMBERS}, code="public_numbers_invalid")
    return numbers


@transaction.atomic
def session_announce(*, title: str, scheduled_at: datetime.datetime, venue: str, packages: list[TrainingPackage],
                     public_numbers_source: str, actor, stream_url: str = "",
                     witnesses: list[tuple[str, str, str]] = ()) -> DrawSession:
    """Announce a draw: its packages in the order they will be drawn (each with its frozen pool), the algorithm,
    the limit of wins per institution, where the public numbers will come from, and the SHA-256 of a secret
    value generated now and revealed at the draw."""
    require_perm(actor)
    if not packages:
        raise ApplicationError(_("Choose the packages to draw, in order."), code="no_packages")
    if len({p.pk for p in packages}) != len(packages):
        raise ApplicationError(_("A package is listed twice."), code="duplicate_package")
    if not (title or "").strip() or not (venue or "").strip() or not (public_numbers_source or "").strip():
        raise ApplicationError(_("Enter the title, the venue and where the public numbers will come from."),
                               code="invalid")
    if scheduled_at <= timezone.now():
        raise ApplicationError(_("The draw must be announced before it takes place."), code="scheduled_in_past")
    locked = {p.pk: p for p in TrainingPackage.objects.select_for_update().filter(pk__in=[p.pk for p in packages])}
    for package in packages:
        current = locked[package.pk]
        require_in_area(actor, current)
        if current.status != TrainingPackage.Status.POOL_FROZEN or hasattr(current, "session_entry"):
            raise ConflictError(_("Package %(ref)s has no frozen pool or is already in a draw.") % {"ref": current.ref},
                                code="package_not_ready")
    on = timezone.localdate(scheduled_at)
    committed_value = secrets.token_hex(32)
    session = DrawSession.objects.create(
        ref=fresh_ref(DrawSession, "CQ"), title=title.strip()[:200], scheduled_at=scheduled_at,
        venue=venue.strip()[:200], algorithm=lottery.ALGORITHM,
        max_wins_per_institution=int(policy_value(rules.MAX_WINS_KEY, on=on, region=CITY_CODE)),
        min_public_numbers=int(policy_value(rules.MIN_PUBLIC_NUMBERS_KEY, on=on, region=CITY_CODE)),
        commitment_sha256=lottery.commitment_of(committed_value),
        committed_value_encrypted=encrypt_value(committed_value),
        public_numbers_source=public_numbers_source.strip()[:200], stream_url=(stream_url or "").strip(),
        created_by=actor)
    SessionPackage.objects.bulk_create([SessionPackage(session=session, package=package, position=position)
                                        for position, package in enumerate(packages, start=1)])
    for role, name, organisation in witnesses:
        witness_add(session=session, role=role, name=name, organisation=organisation, actor=actor)
    audit_log(actor=actor, event_type="training.draw.announce", obj=session,
              details={"packages": [p.ref for p in packages], "commitment_sha256": session.commitment_sha256,
                       "max_wins": session.max_wins_per_institution})
    return session


@transaction.atomic
def witness_add(*, session: DrawSession, role: str, name: str, organisation: str, actor) -> Witness:
    require_perm(actor)
    if role not in Witness.Role.values or not (name or "").strip() or not (organisation or "").strip():
        raise ApplicationError(_("A witness needs a role, a name and an organisation."), code="invalid")
    if DrawSession.objects.filter(pk=session.pk, status=DrawSession.Status.DRAWN).exists():
        raise ConflictError(_("The draw is over: its witnesses are part of the sealed record."), code="sealed")
    witness = Witness.objects.create(session=session, role=role, name=name.strip()[:64],
                                     organisation=organisation.strip()[:128])
    audit_log(actor=actor, event_type="training.draw.witness_add", obj=session,
              details={"role": role, "name": witness.name, "organisation": witness.organisation})
    return witness


def _pool_codes(package: TrainingPackage) -> list[str]:
    return [code for code, _name in package.pool_document["institutions"]]


def _institutions(codes) -> dict[str, Institution]:
    return {i.code: i for i in Institution.objects.filter(code__in=list(codes))}


@transaction.atomic
def session_draw(*, session: DrawSession, public_numbers, actor, recording_ref: str = "",
                 notary_certificate: str = "") -> DrawSession:
    """Draw every package of the session in its published order: reveal the committed value, combine it with the
    public numbers announced on site, and seal the results. Done once: a second call is refused."""
    require_perm(actor)
    session = DrawSession.objects.select_for_update().get(pk=session.pk)
    if session.status != DrawSession.Status.ANNOUNCED:
        raise ConflictError(_("This draw has already taken place; its result is sealed."), code="sealed")
    if timezone.now() < session.scheduled_at - datetime.timedelta(hours=12):
        raise ApplicationError(_("The draw is announced for %(when)s; it cannot be run before that day.")
                               % {"when": timezone.localtime(session.scheduled_at).strftime("%Y-%m-%d %H:%M")},
                               code="too_early")
    if not session.witnesses.exists():
        raise ApplicationError(_("Record the witnesses present before drawing."), code="no_witnesses")
    numbers = _clean_numbers(public_numbers, minimum=session.min_public_numbers)
    committed_value = decrypt_value(session.committed_value_encrypted)
    if lottery.commitment_of(committed_value) != session.commitment_sha256:
        raise ApplicationError(_("The committed value does not match its published hash; the draw cannot be run."),
                               code="commitment_mismatch")
    now = timezone.now()
    entries = list(session.entries.select_related("package").order_by("position"))
    winners: list[str] = []
    draws = []
    for entry in entries:
        package = entry.package
        capped = lottery.capped_after(winners, max_wins=session.max_wins_per_institution)
        result = lottery.draw(package_ref=package.ref, attempt=1, pool_codes=_pool_codes(package),
                              pool_hash=package.pool_sha256, committed_value=committed_value,
                              public_numbers=numbers, capped=capped)
        if result.winner:
            winners.append(result.winner)
        draws.append((package, result))
    known = _institutions(code for _package, result in draws for code in result.order)
    for package, result in draws:
        Draw.objects.create(session=session, package=package, attempt=1, pool_sha256=package.pool_sha256,
                            public_numbers=numbers, seed=result.seed, order=list(result.order),
                            capped=list(result.capped), winner=known.get(result.winner),
                            reserves=list(result.reserves), drawn_by=actor, drawn_at=now)
        if result.winner:
            TrainingPackage.objects.filter(pk=package.pk, status=TrainingPackage.Status.POOL_FROZEN).update(
                status=TrainingPackage.Status.DRAWN, contractor=known[result.winner])
    session.status = DrawSession.Status.DRAWN
    session.committed_value = committed_value
    session.public_numbers = numbers
    session.drawn_at = now
    session.drawn_by = actor
    session.recording_ref = (recording_ref or "").strip()[:100]
    session.notary_certificate = (notary_certificate or "").strip()[:64]
    session.save(update_fields=["status", "committed_value", "public_numbers", "drawn_at", "drawn_by",
                                "recording_ref", "notary_certificate"])
    audit_log(actor=actor, event_type="training.draw.run", obj=session,
              details={"public_numbers": numbers, "committed_value": committed_value,
                       "winners": {package.ref: result.winner for package, result in draws}})
    return session


def _wins_elsewhere(session: DrawSession, package: TrainingPackage) -> list[str]:
    """Contractors of the session's other packages: what the limit of wins counts at a re-draw."""
    return list(TrainingPackage.objects.filter(session_entry__session=session, contractor__isnull=False)
                .exclude(pk=package.pk).values_list("contractor__code", flat=True))


@transaction.atomic
def package_redraw(*, package: TrainingPackage, reason: str, extra_public_numbers, actor) -> Draw:
    """Draw one package again. The sealed result is never re-run silently: this needs a stated reason and new
    public numbers announced at the re-draw (else it would repeat the same order), is a new attempt beside the
    old one, and is audited. The package must not have a class filed yet."""
    require_perm(actor)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ApplicationError(_("A re-draw needs a recorded reason."), code="reason_required")
    package = TrainingPackage.objects.select_for_update().get(pk=package.pk)
    require_in_area(actor, package)
    current = Draw.objects.filter(package=package, current=True).select_related("session").first()
    if current is None:
        raise ConflictError(_("This package has not been drawn."), code="not_drawn")
    if package.classes.exists():
        raise ConflictError(_("A class is filed under this package; it can no longer be re-drawn."),
                            code="class_filed")
    session = current.session
    numbers = [*session.public_numbers, *_clean_numbers(extra_public_numbers, minimum=1)]
    attempt = (Draw.objects.filter(package=package).aggregate(n=Max("attempt"))["n"] or 0) + 1
    capped = lottery.capped_after(_wins_elsewhere(session, package), max_wins=session.max_wins_per_institution)
    result = lottery.draw(package_ref=package.ref, attempt=attempt, pool_codes=_pool_codes(package),
                          pool_hash=package.pool_sha256, committed_value=session.committed_value,
                          public_numbers=numbers, capped=capped)
    Draw.objects.filter(pk=current.pk, current=True).update(current=False)
    known = _institutions(result.order)
    try:
        with transaction.atomic():
            draw = Draw.objects.create(session=session, package=package, attempt=attempt,
                                       pool_sha256=package.pool_sha256, public_numbers=numbers, seed=result.seed,
                                       order=list(result.order), capped=list(result.capped),
                                       winner=known.get(result.winner), reserves=list(result.reserves),
                                       reason=reason, drawn_by=actor, drawn_at=timezone.now())
    except IntegrityError:
        raise ConflictError(_("Someone re-drew this package a moment ago; reload."), code="stale") from None
    package.contractor = known.get(result.winner)
    package.status = TrainingPackage.Status.DRAWN if result.winner else TrainingPackage.Status.POOL_FROZEN
    package.save(update_fields=["contractor", "status"])
    audit_log(actor=actor, event_type="training.draw.redraw", obj=package,
              details={"session": session.ref, "attempt": attempt, "reason": reason, "public_numbers": numbers,
                       "previous_winner": current.winner.code if current.winner_id else None,
                       "winner": result.winner})
    return draw


@transaction.atomic
def winner_withdraw(*, package: TrainingPackage, reason: str, actor) -> Replacement:
    """The contracted institution withdrew: the next reserve of the current draw that is still below the limit
    of wins takes the package; the replacement is recorded and published with the draw."""
    require_perm(actor)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ApplicationError(_("Record why the institution withdrew."), code="reason_required")
    package = TrainingPackage.objects.select_for_update().get(pk=package.pk)
    require_in_area(actor, package)
    draw = Draw.objects.filter(package=package, current=True).select_related("session").first()
    if draw is None or package.contractor_id is None:
        raise ConflictError(_("This package has no contracted institution."), code="no_contractor")
    if package.classes.exists():
        raise ConflictError(_("A class is filed under this package; settle the withdrawal with its class."),
                            code="class_filed")
    withdrawn = package.contractor
    gone = set(Replacement.objects.filter(draw=draw).values_list("withdrawn__code", flat=True)) | {withdrawn.code}
    capped = lottery.capped_after(_wins_elsewhere(draw.session, package),
                                  max_wins=draw.session.max_wins_per_institution)
    next_code = next((code for code in draw.reserves if code not in gone and code not in capped), None)
    replacement = _institutions([next_code]).get(next_code) if next_code else None
    record = Replacement.objects.create(draw=draw, withdrawn=withdrawn, replacement=replacement, reason=reason,
                                        recorded_by=actor)
    package.contractor = replacement
    package.status = TrainingPackage.Status.DRAWN if replacement else TrainingPackage.Status.POOL_FROZEN
    package.save(update_fields=["contractor", "status"])
    audit_log(actor=actor, event_type="training.draw.replace", obj=package,
              details={"withdrawn": withdrawn.code, "replacement": next_code, "reason": reason})
    return record
