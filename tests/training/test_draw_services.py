"""The draw as recorded by the portal: announcement, the sealed draw, re-draws, replacements, the constraint on
wins, and the checks of `manage.py verify_draw` and bin/verify_draw.py on the published record."""

import datetime
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from guangyuan_jobs.audit.models import AuditEvent
from guangyuan_jobs.core.errors import ApplicationError, ConflictError, ForbiddenError
from tests.training.conftest import announced_session, approved_plan, frozen_package
from training import lottery
from training.models import Draw, DrawSession, TrainingPackage
from training.services import draws
from training.verification import draw_record, verify_record

SCRIPT = Path(__file__).resolve().parents[2] / "bin" / "verify_draw.py"
NUMBERS = "3 5 2 6 1 4"


@pytest.fixture
def three_packages(officer, institutions):
    plan = approved_plan(officer, headcount=300)
    return [frozen_package(officer, plan, institutions[:3], seats=40, title=f"养老护理员项目包{i}") for i in range(3)]


def test_before_the_draw_the_record_publishes_pools_and_commitment_but_not_the_value(officer, three_packages):
    session = announced_session(officer, three_packages)
    record = draw_record(session)
    assert record["committed_value"] is None and record["public_numbers"] == []
    assert len(record["commitment_sha256"]) == 64
    assert [p["package"] for p in record["packages"]] == [p.ref for p in three_packages]
    assert all(p["pool_sha256"] == lottery.sha256_hex(lottery.canonical_json(p["pool"])) for p in record["packages"])
    assert verify_record(record).ok


def test_the_draw_gives_each_package_a_winner_within_the_limit_and_verifies(officer, three_packages):
    session = announced_session(officer, three_packages)
    session = draws.session_draw(session=session, public_numbers=NUMBERS, actor=officer)
    assert session.status == DrawSession.Status.DRAWN
    assert lottery.commitment_of(session.committed_value) == session.commitment_sha256
    winners = [Draw.objects.get(package=p, current=True).winner.code for p in three_packages]
    # Three institutions in every pool, at most two wins each (the seeded limit).
    assert max(winners.count(code) for code in winners) <= session.max_wins_per_institution
    for package in three_packages:
        package.refresh_from_db()
        assert package.status == TrainingPackage.Status.DRAWN and package.contractor is not None
    report = verify_record(draw_record(session))
    assert report.ok, [c for c in report.checks if not c[1]]
    out = StringIO()
    call_command("verify_draw", session.ref, stdout=out)
    assert "ALL CHECKS PASSED" in out.getvalue()


def test_the_limit_of_wins_skips_an_institution_that_reached_it(officer, institutions):
    """With two institutions in each pool and a limit of one win, the second package must go to the other one."""
    from guangyuan_jobs.policy.models import PolicyParameter

    PolicyParameter.objects.filter(key="training.lottery.max_wins_per_institution").update(value=1)
    plan = approved_plan(officer, headcount=100)
    first, second = (frozen_package(officer, plan, institutions[:2], seats=40, title=f"包{i}") for i in range(2))
    session = draws.session_draw(session=announced_session(officer, [first, second]), public_numbers=NUMBERS,
                                 actor=officer)
    one, two = (Draw.objects.get(package=p, current=True) for p in (first, second))
    assert one.winner_id != two.winner_id
    assert two.capped == [one.winner.code]
    assert verify_record(draw_record(session)).ok


def test_a_sealed_draw_refuses_a_second_run_and_a_redraw_needs_a_reason_and_new_numbers(officer, three_packages):
    session = draws.session_draw(session=announced_session(officer, three_packages), public_numbers=NUMBERS,
                                 actor=officer)
    with pytest.raises(ConflictError):
        draws.session_draw(session=session, public_numbers=NUMBERS, actor=officer)
    package = three_packages[0]
    with pytest.raises(ApplicationError) as no_reason:
        draws.package_redraw(package=package, reason="", extra_public_numbers="9", actor=officer)
    assert no_reason.value.code == "reason_required"
    with pytest.raises(ApplicationError) as no_numbers:
        draws.package_redraw(package=package, reason="中签机构资质被撤销，经领导小组决定重抽", extra_public_numbers="",
                             actor=officer)
    assert no_numbers.value.code == "public_numbers_missing"
    assert Draw.objects.filter(package=package).count() == 1
    redraw = draws.package_redraw(package=package, reason="中签机构资质被撤销，经领导小组决定重抽",
                                  extra_public_numbers="4 4", actor=officer)
    assert redraw.attempt == 2 and redraw.current
    assert list(Draw.objects.filter(package=package).values_list("attempt", "current")) == [(1, False), (2, True)]
    assert AuditEvent.objects.filter(event_type="training.draw.redraw", object_id=package.ref).count() == 1
    report = verify_record(draw_record(session))
    assert report.ok, [c for c in report.checks if not c[1]]


def test_a_withdrawn_winner_is_replaced_by_the_next_reserve(officer, three_packages):
    draws.session_draw(session=announced_session(officer, three_packages), public_numbers=NUMBERS, actor=officer)
    package = three_packages[2]
    draw = Draw.objects.get(package=package, current=True)
    first = draw.winner
    record = draws.winner_withdraw(package=package, reason="机构书面申请放弃承训", actor=officer)
    package.refresh_from_db()
    assert record.withdrawn == first
    assert package.contractor == record.replacement
    assert record.replacement.code in draw.reserves


def test_tampering_with_any_published_input_fails_the_check(officer, three_packages):
    session = draws.session_draw(session=announced_session(officer, three_packages), public_numbers=NUMBERS,
                                 actor=officer)
    record = draw_record(session)
    for mutate in (lambda r: r["public_numbers"].append("7"),
                   lambda r: r.update(committed_value="0" * 64),
                   lambda r: r["packages"][0]["pool"]["institutions"].pop(),
                   lambda r: r["packages"][1]["draws"][0].update(winner=r["packages"][1]["draws"][0]["reserves"][0]),
                   lambda r: r.update(max_wins_per_institution=0)):
        copy = json.loads(json.dumps(record))
        mutate(copy)
        assert not verify_record(copy).ok


def test_the_standalone_script_agrees_with_the_record_and_catches_a_forgery(officer, three_packages, tmp_path):
    session = draws.session_draw(session=announced_session(officer, three_packages), public_numbers=NUMBERS,
                                 actor=officer)
    record = draw_record(session)
    good = tmp_path / "draw.json"
    good.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", str(SCRIPT), str(good)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout
    assert "ALL CHECKS PASSED" in run.stdout
    for package in three_packages:
        package.refresh_from_db()
        assert f"{package.ref} winner: {package.contractor.code}" in run.stdout
    record["packages"][0]["draws"][0]["order"].reverse()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-I", str(SCRIPT), str(forged)], capture_output=True, text=True,
                         check=False)
    assert run.returncode == 1 and "FAIL" in run.stdout


def test_announcing_needs_frozen_pools_a_future_time_and_the_right_role(officer, institutions, plan):
    package = frozen_package(officer, plan, institutions[:2])
    with pytest.raises(ApplicationError):
        announced_session(officer, [package], when=timezone.now() - datetime.timedelta(hours=1))
    with pytest.raises(ForbiddenError):
        announced_session(institutions[0][1], [package])
    announced_session(officer, [package])
    with pytest.raises(ConflictError):
        announced_session(officer, [package])


def test_verify_draw_command_fails_loudly_on_an_unknown_session(db):
    with pytest.raises(CommandError):
        call_command("verify_draw", "CQ-2026-NOPE")
