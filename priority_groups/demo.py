"""Demo data of the priority-groups work for `make run` (idempotent): a city caseworker and a 旺苍 county one,
a village of 旺苍, graduates from the education department's list with plans and services (one follow-up
overdue), poor labourers placed away from home, retired fishermen all placed, a zero-employment household,
two nearby vacancies and a referral waiting for its outcome, a transfer to Chongqing, a workshop and a village
return."""

import datetime

from django.utils import timezone
from stdnum.cn import ric

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import staff_create
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import person_get_or_create
from priority_groups.models import GroupCode, GroupMembership
from priority_groups.services import jobs, people, plans, registration, transfers

VILLAGE = ("510821101201", "白水村", "510821")
# name, county or village, birth date, sequence, male, group, status
PEOPLE = (
    ("陈思远", "510802", datetime.date(2003, 4, 12), 101, True, "graduate", "in_training"),
    ("刘雨桐", "510802", datetime.date(2002, 9, 3), 102, False, "graduate", "employed_local"),
    ("杨浩然", "510821", datetime.date(2003, 1, 21), 103, True, "graduate", "unemployed"),
    ("赵春梅", "510821101201", datetime.date(1982, 6, 30), 104, False, "poverty_labourer", "employed_out_province"),
    ("黄国强", "510821101201", datetime.date(1976, 11, 8), 105, True, "poverty_labourer", "employed_out_county"),
    ("周德明", "510822", datetime.date(1970, 2, 14), 106, True, "retired_fisherman", "employed_local"),
    ("吴建军", "510824", datetime.date(1980, 8, 8), 107, True, "zero_employment_household", "unemployed"),
)


def _id_number(region: str, birth: datetime.date, sequence: int, male: bool) -> str:
    order = (sequence * 2 + (1 if male else 0)) % 1000
    body = f"{region[:6]}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def _staff(users, password, username, display, *, scope, region=None):
    user = User.objects.filter(username=username).first() or staff_create(
        username=username, display_name=display, roles=["group_caseworker"], scope=scope, scope_region=region,
        actor=None, password=password)
    users[username] = user
    return user


def seed_demo(*, users, password, stdout):
    worker = _staff(users, password, "groups", "就业援助科 刘芳", scope=User.Scope.WHOLE_CITY)
    _staff(users, password, "wangcang_groups", "旺苍县就业局 何军", scope=User.Scope.DISTRICT, region="510821")
    code, name, parent = VILLAGE
    Region.objects.get_or_create(code=code, defaults={"name": name, "level": Region.Level.VILLAGE,
                                                      "parent_id": parent})
    if GroupMembership.objects.filter(evidence__startswith="演示").exists():
        return
    today = timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    people_made = {}
    for name, region, birth, sequence, male, group, status in PEOPLE:
        person = person_get_or_create(id_number=_id_number(region, birth, sequence, male), name=name,
                                      phone=f"139{sequence:08d}", region=Region.objects.get(code=region), actor=None)
        people.membership_add(person=person, group=GroupCode.objects.get(code=group),
                              valid_from=year_start - datetime.timedelta(days=180),
                              evidence="演示：省教育厅离校未就业名单" if group == "graduate" else "演示：县级认定名单",
                              source="roster" if group == "graduate" else "department", actor=worker)
        people.status_record(person=person, status=status, valid_from=year_start, actor=worker)
        people_made[name] = person
    graduate = people_made["杨浩然"]
    plans.plan_create(person=graduate, caseworker=worker, needs=["job", "skills"], needs_note="希望在县城就业",
                      measures=[("job_referral", "推荐本地岗位"), ("training", "电商直播培训")],
                      started_on=today - datetime.timedelta(days=45), actor=worker)
    plans.service_record_create(person=graduate, service_type="career_guidance", served_on=today - datetime.timedelta(
        days=44), channel="phone", outcome="完成求职意向登记", actor=worker)
    for name in ("陈思远", "刘雨桐"):
        plans.service_record_create(person=people_made[name], service_type="policy_briefing",
                                    served_on=today - datetime.timedelta(days=20), channel="wechat",
                                    outcome="已推送求职创业补贴政策", actor=worker)
    registration.unemployment_register(person=people_made["吴建军"], region=people_made["吴建军"].region,
                                       registered_on=year_start, actor=worker)
    household = people.household_create(name="吴建军户", region=people_made["吴建军"].region,
                                        head=people_made["吴建军"], actor=worker)
    spouse = person_get_or_create(id_number=_id_number("510824", datetime.date(1982, 3, 3), 108, False),
                                  name="王丽", region=people_made["吴建军"].region, actor=None)
    people.household_member_add(household=household, person=spouse, relationship="spouse", actor=worker)
    people.status_record(person=spouse, status="unemployed", valid_from=year_start, actor=worker)
    vacancy = jobs.vacancy_create(title="装配工", source="short_of_labour", employer_name="旺苍县某电子有限公司",
                                  region=Region.objects.get(code="510821"), positions=20, wage="3500元/月",
                                  actor=worker)
    jobs.vacancy_create(title="茶园采摘工", source="labour_cooperative", employer_name="旺苍县木门镇劳务专合社",
                        region=Region.objects.get(code="510821"), positions=30, wage="120元/天", actor=worker)
    jobs.referral_create(person=people_made["陈思远"], vacancy=vacancy, referred_on=today - datetime.timedelta(days=3),
                         actor=worker)
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    transfers.village_return_submit(region=Region.objects.get(code=VILLAGE[0]), month=last_month, migrants_out=312,
                                    returned=41, employed_locally=26, not_working=15, actor=worker)
    transfers.base_create(name="白水村就业帮扶车间", kind="workshop", region=Region.objects.get(code=VILLAGE[0]),
                          operator_name="旺苍县某服饰有限公司", established_on=datetime.date(2020, 5, 1), actor=worker)
    trip = transfers.trip_create(cooperation="chongqing", destination="重庆市两江新区",
                                 region=Region.objects.get(code="510821"), departed_on=year_start + datetime.timedelta(
                                     days=45), transport="春季返岗专车", actor=worker)
    transfers.trip_member_add(trip=trip, person=people_made["黄国强"], employer_name="重庆某汽车零部件有限公司",
                              actor=worker)
    stdout.write("  priority groups: 8 people, 1 plan, 2 vacancies (accounts groups, wangcang_groups)")
