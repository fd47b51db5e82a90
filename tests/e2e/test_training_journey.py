"""The public lottery in the browser, in Chinese: a training clerk runs an announced draw on its public page by
entering the public numbers announced on site; an observer who never signs in opens the same page, has the portal
recompute it, downloads the record and checks it with the standalone script bin/verify_draw.py."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user
from tests.training.conftest import announced_session, approved_plan, frozen_package, make_institution
from training.models import TrainingPackage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).resolve().parents[2] / "bin" / "verify_draw.py"
SEEDS = ("guangyuan_jobs.registry.migrations.0002_seed_regions",
         "guangyuan_jobs.policy.migrations.0003_seed_documents_and_parameters",
         "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
         "guangyuan_jobs.policy.migrations.0004_seed_calendar",
         "training.migrations.0002_seed_catalogue_and_parameters")


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test flushes the data migrations' rows: regions, policy parameters, the calendar."""
    for module in SEEDS:
        importlib.import_module(module).seed(apps, None)


def test_a_clerk_runs_a_draw_on_the_public_page_and_an_observer_verifies_it(page, reference_data, tmp_path):
    clerk = make_user("training_officer", display_name="培训科王敏")
    institutions = [make_institution(clerk, name=name) for name in (
        "广元市利州区华夏职业培训学校", "广元市昭化区蜀道技能培训中心", "旺苍县红军城职业培训学校")]
    plan = approved_plan(clerk)
    package = frozen_package(clerk, plan, institutions)
    session = announced_session(clerk, [package])

    page.goto("/accounts/login/")
    page.fill("input[name=username]", clerk.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")
    page.goto(f"/training/draws/{session.ref}/")
    expect(page.locator("[data-testid=committed-value]")).to_contain_text("揭晓前保密")
    page.fill("#id_public_numbers", "6")
    page.click("[data-testid=run-draw]")
    expect(page.locator("[data-testid=form-errors]")).to_contain_text("至少")
    page.fill("#id_public_numbers", "6 1 3")
    page.fill("#id_notary_certificate", "(2026)川广证字第0001号")
    page.click("[data-testid=run-draw]")
    expect(page.locator(".alert-success")).to_contain_text("抽签已完成并封存")
    expect(page.locator("[data-testid=session-status]")).to_have_text("已抽签，结果封存")
    package.refresh_from_db()
    assert package.status == TrainingPackage.Status.DRAWN
    winner_on_page = page.locator("[data-testid=winner]").locator("xpath=..").inner_text()
    assert package.contractor.name in winner_on_page

    observer = page.context.browser.new_context(locale="zh-CN", base_url=page.url.split("/training/")[0],
                                                accept_downloads=True)
    try:
        public = observer.new_page()
        public.goto(f"/training/draws/{session.ref}/")
        expect(public.locator("[data-testid=run-form]")).to_have_count(0)
        expect(public.locator("[data-testid=public-numbers]")).to_have_text("6 1 3")
        public.click("[data-testid=verify-link]")
        expect(public.locator("[data-testid=verify-result]")).to_contain_text("全部核验通过")
        public.go_back()
        with public.expect_download() as download:
            public.click("[data-testid=record-json]")
        record = tmp_path / "record.json"
        download.value.save_as(record)
    finally:
        observer.close()
    run = subprocess.run([sys.executable, "-I", str(SCRIPT), str(record)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout
    assert f"{package.ref} winner: {package.contractor.code} {package.contractor.name}" in run.stdout
