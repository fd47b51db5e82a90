"""The published record of a draw session (the JSON anyone can download from the public page) and its check:
every hash and every result recomputed from the published inputs with training.lottery. bin/verify_draw.py
does the same check with the standard library only, from the same JSON."""

from dataclasses import dataclass, field

from django.utils import timezone

from training import lottery
from training.models import DrawSession

RECORD_FORMAT = "gy-training-draw/1"


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def draw_record(session: DrawSession) -> dict:
    """Everything the draw used and produced. Before the draw the committed value is absent (only its hash)."""
    drawn = session.status == DrawSession.Status.DRAWN
    packages = []
    entries = session.entries.select_related("package", "package__occupation").order_by("position")
    draws_by_package: dict[int, list] = {}
    for draw in session.draws.select_related("winner").prefetch_related(
            "replacements__withdrawn", "replacements__replacement").order_by("attempt"):
        draws_by_package.setdefault(draw.package_id, []).append(draw)
    for entry in entries:
        package = entry.package
        packages.append({
            "position": entry.position, "package": package.ref, "title": package.title,
            "occupation": package.occupation.name, "level": package.level, "seats": package.seats,
            "pool": package.pool_document, "pool_sha256": package.pool_sha256,
            "draws": [{
                "attempt": d.attempt, "current": d.current, "public_numbers": d.public_numbers, "seed": d.seed,
                "order": d.order, "capped": d.capped, "winner": d.winner.code if d.winner_id else None,
                "reserves": d.reserves, "reason": d.reason, "drawn_at": _when(d.drawn_at),
                "replacements": [{"withdrawn": r.withdrawn.code,
                                  "replacement": r.replacement.code if r.replacement_id else None,
                                  "reason": r.reason, "recorded_at": _when(r.recorded_at)}
                                 for r in d.replacements.all()],
            } for d in draws_by_package.get(package.pk, [])],
        })
    return {
        "format": RECORD_FORMAT, "session": session.ref, "title": session.title,
        "scheduled_at": _when(session.scheduled_at), "venue": session.venue, "status": session.status,
        "algorithm": session.algorithm, "max_wins_per_institution": session.max_wins_per_institution,
        "min_public_numbers": session.min_public_numbers, "commitment_sha256": session.commitment_sha256,
        "committed_value": session.committed_value if drawn else None,
        "public_numbers_source": session.public_numbers_source,
        "public_numbers": session.public_numbers if drawn else [],
        "drawn_at": _when(session.drawn_at), "stream_url": session.stream_url,
        "recording_ref": session.recording_ref, "notary_certificate": session.notary_certificate,
        "witnesses": [{"role": w.role, "name": w.name, "organisation": w.organisation}
                      for w in session.witnesses.all()],
        "packages": packages,
    }


@dataclass
class Verification:
    checks: list[tuple[str, bool]] = field(default_factory=list)
    winners: dict[str, str | None] = field(default_factory=dict)  # package -> recomputed current winner

    @property
    def ok(self) -> bool:
        return all(passed for _label, passed in self.checks)

    def check(self, label: str, passed: bool) -> None:
        self.checks.append((label, bool(passed)))


def verify_record(record: dict) -> Verification:
    """Recompute every hash and result of a published record. Labels are plain English, like the script's."""
    report = Verification()
    report.check(f"algorithm is {lottery.ALGORITHM}", record.get("algorithm") == lottery.ALGORITHM)
    value = record.get("committed_value")
    drawn = record.get("status") == DrawSession.Status.DRAWN
    if drawn:
        report.check("SHA-256 of the revealed value equals the published commitment",
                     isinstance(value, str) and lottery.commitment_of(value) == record.get("commitment_sha256"))
    first_winners: list[str] = []
    for package in sorted(record.get("packages", []), key=lambda p: p["position"]):
        ref = package["package"]
        pool = package.get("pool") or {}
        codes = [code for code, _name in pool.get("institutions", [])]
        report.check(f"{ref}: pool hash", lottery.sha256_hex(lottery.canonical_json(pool)) == package["pool_sha256"]
                     and pool.get("package") == ref and codes == sorted(codes))
        for draw in package.get("draws", []):
            attempt = draw["attempt"]
            numbers = draw["public_numbers"]
            starts_right = numbers[:len(record["public_numbers"])] == record["public_numbers"]
            report.check(f"{ref} attempt {attempt}: public numbers are the session's"
                         + ("" if attempt == 1 else " plus those of the re-draw"),
                         starts_right and (attempt == 1) == (len(numbers) == len(record["public_numbers"])))
            if attempt == 1:
                expected_capped = lottery.capped_after(first_winners,
                                                       max_wins=record["max_wins_per_institution"])
                report.check(f"{ref} attempt 1: institutions at the limit of wins",
                             set(draw["capped"]) == expected_capped & set(codes))
            else:
                report.check(f"{ref} attempt {attempt}: re-draw has a reason", bool(draw.get("reason")))
            result = lottery.draw(package_ref=ref, attempt=attempt, pool_codes=codes,
                                  pool_hash=package["pool_sha256"], committed_value=value or "",
                                  public_numbers=numbers, capped=draw["capped"])
            report.check(f"{ref} attempt {attempt}: seed", result.seed == draw["seed"])
            report.check(f"{ref} attempt {attempt}: order, winner and reserves",
                         list(result.order) == draw["order"] and result.winner == draw["winner"]
                         and list(result.reserves) == draw["reserves"])
            if attempt == 1 and result.winner:
                first_winners.append(result.winner)
            if draw["current"]:
                report.winners[ref] = result.winner
    return report
