"""Notices fixtures: casework's test kinds and crew, the SMS outbox, and moves whose after-commit work (the
notify task: messages and notices) runs as it would in production."""

import importlib
import io
import re

import pytest
from django.apps import apps
from pypdf import PdfReader

from guangyuan_jobs.accounts.sms import LocmemSmsGateway
from guangyuan_jobs.notices import documents
from tests.casework.conftest import Crew, case_at, move, new_case, set_parameter  # noqa: F401 (re-exported)


@pytest.fixture(autouse=True)
def _test_parameters(db):
    set_parameter("test.amount", "1000.00", value_type="decimal", unit="yuan")
    set_parameter("test.time_limit_days", 5, value_type="integer", unit="working days")


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSmsGateway.outbox.clear()
    yield LocmemSmsGateway.outbox
    LocmemSmsGateway.outbox.clear()


@pytest.fixture
def crew(db):
    return Crew()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): move(...)` runs the move's after-commit callbacks (the notify task, eager in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def reference_data(transactional_db):
    for module in ("guangyuan_jobs.registry.migrations.0002_seed_regions",
                   "guangyuan_jobs.casework.migrations.0003_seed_casework_parameters",
                   "guangyuan_jobs.notices.migrations.0002_seed_appeal_periods_reminders_and_templates"):
        importlib.import_module(module).seed(apps, None)


def pdf_text(notice) -> str:
    """The notice's PDF read back as text, whitespace removed (CJK lines wrap anywhere)."""
    with notice.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def no_font(monkeypatch, settings):
    settings.NOTICE_FONT_PATH = ""
    monkeypatch.setattr(documents, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    documents._registered_font.cache_clear()
    yield
    documents._registered_font.cache_clear()
