"""The demo data loads twice without change and its held draw verifies; the dashboard's training figures."""

import datetime
from io import StringIO

from django.utils import timezone

from monitoring.indicators import IndicatorQuery, indicator_by_code
from training import demo
from training.models import DrawSession, Trainee, TrainingPackage
from training.verification import draw_record, verify_record


def test_demo_data_is_idempotent_and_its_draw_verifies(db):
    users = {}
    demo.seed_demo(users=users, password="Demo-Password-2026!", stdout=StringIO())
    counts = (TrainingPackage.objects.count(), DrawSession.objects.count(), Trainee.objects.count())
    demo.seed_demo(users=users, password="Demo-Password-2026!", stdout=StringIO())
    assert (TrainingPackage.objects.count(), DrawSession.objects.count(), Trainee.objects.count()) == counts
    held = DrawSession.objects.get(status=DrawSession.Status.DRAWN)
    assert verify_record(draw_record(held)).ok
    assert {"training", "evaluator", "train_huaxia"} <= set(users)

    today = timezone.localdate()
    year = IndicatorQuery(start=today - datetime.timedelta(days=30), end=today + datetime.timedelta(days=1))
    assert indicator_by_code("training.trainees").compute(year) == 3
    assert indicator_by_code("training.trainees").compute(IndicatorQuery(year.start, year.end, "510821")) == 0
    assert indicator_by_code("training.packages_published").compute(year) == 3
    assert indicator_by_code("training.packages_drawn").compute(year) == 2
    assert indicator_by_code("training.subsidy_paid").compute(year) == 0
    assert indicator_by_code("training.trainees").drilldown(year) == "/training/classes/"


def test_demo_institution_accounts_sign_in_with_their_sms_code(db, client, settings):
    """Institution accounts are enterprise applicants: password, then the code texted to their verified phone."""
    from tests.core.test_seed_demo import PASSWORD, sign_in

    settings.DEMO_MODE = True
    users = {}
    demo.seed_demo(users=users, password=PASSWORD, stdout=StringIO())
    for username in ("training", "evaluator", "train_huaxia", "train_lixiang"):
        assert sign_in(client, username), username
