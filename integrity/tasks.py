"""Celery tasks of integrity: thin, idempotent (a finding is raised once per rule and case; an import run
again changes nothing twice), calling services."""

from celery import shared_task


@shared_task(name="integrity.tasks.source_import_run")
def source_import_run(import_id: str) -> None:
    from integrity.services.imports import source_import_run as run

    run(import_id=import_id)


@shared_task(name="integrity.tasks.screen_cases")
def screen_cases(case_ids: list[int], trigger: str) -> int:
    from integrity.services.screening import cases_screen

    return len(cases_screen(case_ids=case_ids, trigger=trigger))


@shared_task(name="integrity.tasks.screen_open_cases")
def screen_open_cases(trigger: str = "nightly", rule_ids: list[int] | None = None) -> int:
    """Nightly (beat), and after a rule change for that rule: every open and approved-unpaid case."""
    from integrity.services.screening import open_cases_screen

    return open_cases_screen(trigger=trigger, rule_ids=rule_ids)


@shared_task(name="integrity.tasks.screen_subjects")
def screen_subjects(person_hashes: list[str], credit_codes: list[str]) -> int:
    from integrity.services.screening import subjects_screen

    return subjects_screen(person_hashes=person_hashes, credit_codes=credit_codes)
