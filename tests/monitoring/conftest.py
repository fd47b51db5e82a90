import datetime

import pytest

from guangyuan_jobs.registry.models import Region
from monitoring import services
from tests.factories import EnterpriseFactory, make_credit_code, make_user

D = datetime.date
BASELINE = D(2025, 1, 1)


@pytest.fixture
def clerk(db):
    return make_user("monitoring")


@pytest.fixture
def enrol(clerk):
    """`enrol(region="510821", headcount=100)` puts a new firm in the monitoring sample."""
    def make(*, region="510802", headcount=100, industry="C", baseline=BASELINE, phone="13800000001",
             name=None):
        enterprise = EnterpriseFactory(credit_code=make_credit_code(region=region),
                                       region=Region.objects.get(pk=region), **({"name": name} if name else {}))
        return services.monitored_enterprise_enrol(
            enterprise=enterprise, region=Region.objects.get(pk=region), industry=industry, ownership="private",
            size_class="medium", baseline_date=baseline, baseline_headcount=headcount, contact_name="王经理",
            contact_phone=phone, actor=clerk)
    return make


@pytest.fixture
def file_return(clerk):
    """`file_return(monitored, D(2026, 3, 1), headcount=80, economic_layoff=20)`: a balanced return by a clerk."""
    def make(monitored, period, *, headcount, hires=0, actor=None, **reductions):
        data = {"headcount": headcount, "hires": hires, "reduction_reason": "difficulty" if reductions else "",
                **{f"reductions_{name}": n for name, n in reductions.items()}}
        return services.monthly_return_file(monitored=monitored, period=period, data=data, actor=actor or clerk)
    return make
