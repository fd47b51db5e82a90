"""Demo data of unemployment monitoring for `make run` (idempotent): a monitoring clerk, six firms in the sample
(the demo enterprise among them, which still has this month's return to file), three months of returns, one
firm that cut a fifth of its staff last month (a statutory warning on the dashboard) and one whose return for
last month is missing (on the late list)."""

from django.utils import timezone
from stdnum.cn import uscc

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import staff_create
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create
from monitoring import rules, services
from monitoring.models import MonitoredEnterprise

# (name, district, industry, ownership, size, baseline headcount)
FIRMS = (
    ("广元市利州区川北精工机械有限公司", "510802", "C", "private", "medium", 420),
    ("四川昭化嘉陵纺织有限公司", "510811", "C", "joint_stock", "medium", 260),
    ("旺苍县米仓山茶业有限责任公司", "510821", "A", "private", "small", 85),
    ("青川县唐家河生态旅游开发有限公司", "510822", "H", "state", "small", 130),
    ("苍溪县红心猕猴桃食品有限公司", "510824", "C", "private", "large", 1350),
)
SHRINKING = 1  # 四川昭化嘉陵纺织: lost an export order, cuts 52 of its 260 staff last month
LATE = 3  # 青川 tourism firm: last month's return not in


def _credit_code(index: int, region: str) -> str:
    body = f"91{region}MA62GY{index:03d}"
    return body + uscc.calc_check_digit(body)


def seed_demo(*, users, password, stdout):
    clerk = User.objects.filter(username="monitor").first() or staff_create(
        username="monitor", display_name="就业监测科 刘芳", roles=["monitoring"], scope=User.Scope.WHOLE_CITY,
        actor=None, password=password)
    users["monitor"] = clerk
    if MonitoredEnterprise.objects.exists():
        return
    this_month = rules.month_start(timezone.localdate())
    baseline = rules.add_months(this_month, -6)
    months = [rules.add_months(this_month, -n) for n in (3, 2, 1)]
    own = users["enterprise"].enterprise
    sample = [(own, own.region or Region.objects.get(pk="510802"), "C", "private", "small", 60)]
    for index, (name, region, industry, ownership, size, headcount) in enumerate(FIRMS, start=1):
        district = Region.objects.get(pk=region)
        enterprise = enterprise_get_or_create(credit_code=_credit_code(index, region), name=name, actor=None,
                                              region=district)
        sample.append((enterprise, district, industry, ownership, size, headcount))
    for index, (enterprise, district, industry, ownership, size, headcount) in enumerate(sample):
        monitored = services.monitored_enterprise_enrol(
            enterprise=enterprise, region=district, industry=industry, ownership=ownership, size_class=size,
            baseline_date=baseline, baseline_headcount=headcount, contact_name="人事部 张主管",
            contact_phone=f"1390839{index:04d}", actor=clerk)
        staff = headcount
        for month in months:
            if index == LATE + 1 and month == months[-1]:
                continue
            cut = staff // 5 if index == SHRINKING + 1 and month == months[-1] else index % 3
            hires = 0 if cut > 3 else 2
            staff = staff + hires - cut
            services.monthly_return_file(monitored=monitored, period=month, actor=clerk, data={
                "headcount": staff, "hires": hires,
                "reductions_economic_layoff" if cut > 3 else "reductions_resignation": cut,
                "reduction_reason": ("difficulty" if cut > 3 else "seasonal") if cut else "",
                "dispatched": headcount // 20, "hidden_unemployed": 3 if cut > 3 else 0})
    stdout.write(f"monitoring: {len(sample)} firms in the sample, {len(months)} months of returns")
