import io

from startup_parks import demo
from startup_parks.models import CertificationApplication, Park, ParkAward
from tests.factories import make_user


def test_the_demo_loads_a_certified_park_one_being_evaluated_and_is_idempotent(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    users = {"enterprise": make_user("applicant_enterprise"), "reviewer": make_user("reviewer"),
             "lizhou": make_user("reviewer", region_code="510802"), "approver": make_user("approver"),
             "entry": make_user("entry")}
    out = io.StringIO()
    demo.seed_demo(users=users, password="Demo-Password-2026", stdout=out)
    demo.seed_demo(users=users, password="Demo-Password-2026", stdout=out)
    assert Park.objects.count() == 3
    certified = Park.objects.get(status="certified")
    assert certified.operator == users["enterprise"].enterprise
    assert certified.residents.count() == 2 and ParkAward.objects.filter(park=certified).exists()
    assert CertificationApplication.objects.filter(status="evaluating").count() == 1
    assert "park_operator" in users
