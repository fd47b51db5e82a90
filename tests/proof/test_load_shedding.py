"""Beyond capacity: 503 with Retry-After and a message in Chinese, quickly, never a 500; the refused request
changed nothing. The middleware's slots are held here by a request that is still working."""

import json
import threading

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import translation

from guangyuan_jobs.casework.models import Case
from guangyuan_jobs.core.middleware import LoadShedMiddleware
from tests.subsidies.claims.conftest import sybzj_data

pytestmark = pytest.mark.django_db


def test_without_a_free_slot_the_api_answers_503_with_retry_after_and_files_nothing(rf):
    release = threading.Event()
    inside = threading.Event()

    def slow_view(request):
        inside.set()
        release.wait(5)
        return HttpResponse("ok")

    with override_settings(LOAD_SHED_CONCURRENCY=1, LOAD_SHED_WAIT_SECONDS=0.05, LOAD_SHED_RETRY_AFTER=7):
        busy = LoadShedMiddleware(slow_view)
        worker = threading.Thread(target=lambda: busy(rf.get("/api/v1/cases/")))
        worker.start()
        inside.wait(5)
        request = rf.post("/api/v1/subsidies/claims/", {"kind": "SYBZJ", "data": sybzj_data()},
                          content_type="application/json")
        request.LANGUAGE_CODE = "zh-hans"
        with translation.override("zh-hans"):
            refused = busy(request)
        release.set()
        worker.join(5)
    assert refused.status_code == 503 and refused["Retry-After"] == "7"
    error = json.loads(refused.content)["error"]
    assert error == {"code": "overloaded", "message": "系统繁忙，本次请求未作任何更改，请几秒钟后重试。"}
    assert not Case.objects.exists()
    assert busy(rf.get("/api/v1/cases/")).status_code == 200  # the slot is free again


def test_off_by_default_and_health_checks_are_never_shed():
    with override_settings(LOAD_SHED_CONCURRENCY=0):
        assert LoadShedMiddleware(lambda r: "passed").slots is None
    with override_settings(LOAD_SHED_CONCURRENCY=1, LOAD_SHED_WAIT_SECONDS=0):
        shed = LoadShedMiddleware(lambda r: "passed")
        shed.slots.acquire()
        assert shed(RequestFactory().get("/healthz")) == "passed"
        assert shed(RequestFactory().get("/cases/")).status_code == 503


def test_shedding_is_one_warning_a_minute_not_an_error_per_request(caplog):
    with override_settings(LOAD_SHED_CONCURRENCY=1, LOAD_SHED_WAIT_SECONDS=0):
        shed = LoadShedMiddleware(lambda r: HttpResponse("ok"))
        shed.slots.acquire()
        with caplog.at_level("WARNING"):
            answers = [shed(RequestFactory().get("/api/v1/cases/")) for _ in range(50)]
    assert {a.status_code for a in answers} == {503}
    assert all(a._has_been_logged for a in answers)  # Django's request logger leaves them alone
    reports = [r for r in caplog.records if r.name == "guangyuan_jobs.core.middleware"]
    assert len(reports) == 1 and reports[0].levelname == "WARNING" and "503" in reports[0].getMessage()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
