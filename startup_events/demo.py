"""Demo events for `make run` (idempotent), after the 2020 report's section 一(三): the 4th 中国创翼 contest's
Guangyuan selection round with its rounds, scores and awards, a 创梦天府 salon, a financing fair (融资集市) and
a poverty-finance matching event (扶贫融资对接) in 2020; the 2026 spring fair where the demo applicant signed an
intention and got the loan the entrepreneurship demo disbursed; and a winter fair open for registration."""

import datetime

from stdnum.cn import ric

from entrepreneurship.models import CooperatingBank, Loan
from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import staff_create
from guangyuan_jobs.registry.models import Region
from startup_events.models import Event
from startup_events.services.events import (
    attendance_record,
    event_create,
    event_transition,
    registration_self,
    registration_walk_in,
)
from startup_events.services.outcomes import (
    award_grant,
    event_bank_add,
    event_loan_link,
    intention_record,
    round_add,
    score_record,
)

D = datetime.date


def _id_number(region: str, birth: str, seq: int) -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _move(event, action, actor):
    event.refresh_from_db()
    return event_transition(event=event, action=action, actor=actor, version=event.version)


def _event(actor, title, event_type, held_on, region, place, capacity, organiser="广元市就业创业促进中心",
           description=""):
    return event_create(actor=actor, title=title, event_type=event_type, organiser=organiser, held_on=held_on,
                        place=place, region=Region.objects.get(code=region), capacity=capacity,
                        description=description)


def _walk_ins(event, actor, people):
    return [registration_walk_in(event=event, actor=actor, id_number=_id_number(*key), name=name, project=project)
            for key, name, project in people]


def seed_demo(*, users, password, stdout):
    judge = User.objects.filter(username="judge").first() or staff_create(
        username="judge", display_name="评委 钱教授", roles=["judge"], scope=User.Scope.WHOLE_CITY, actor=None,
        password=password)
    users["judge"] = judge
    if Event.objects.exists():
        return
    policy, applicant, firm = users["policy"], users["applicant"], users["enterprise"]
    banks = list(CooperatingBank.objects.order_by("code")[:2])

    # 第四届"中国创翼"创业创新大赛四川赛区广元选拔赛 (2020).
    contest = _event(policy, "第四届“中国创翼”创业创新大赛四川赛区广元选拔赛", "contest", D(2020, 8, 20), "510802",
                     "广元市创业孵化园", 60, organiser="广元市人力资源和社会保障局",
                     description="初赛路演、决赛答辩,优胜项目推荐参加四川赛区比赛。")
    _move(contest, "open", policy)
    entries = [registration_self(event=contest, actor=applicant, project="昭化古城农家乐提档升级"),
               registration_self(event=contest, actor=firm, project="山区物流共配中心")]
    entries += _walk_ins(contest, policy, [(("510812", "19940612", 31), "王晓丽", "朝天核桃深加工"),
                                           (("510823", "19960305", 42), "蒲建军", "剑门关文旅直播基地")])
    _move(contest, "hold", policy)
    for entry in entries:
        attendance_record(registration=entry, attended=True, actor=policy)
    first = round_add(event=contest, name="初赛路演", actor=policy)
    final = round_add(event=contest, name="决赛答辩", actor=policy)
    for contest_round, marks in ((first, ("88.50", "82.00", "91.00", "79.50")),
                                 (final, ("90.00", "84.50", "93.50", "80.00"))):
        for entry, mark in zip(entries, marks, strict=True):
            score_record(contest_round=contest_round, registration=entry, score=mark, actor=judge)
    award_grant(registration=entries[2], level="first", bonus="20000.00", actor=policy)
    award_grant(registration=entries[0], level="second", bonus="10000.00", actor=policy)
    award_grant(registration=entries[1], level="third", bonus="5000.00", actor=policy)
    _move(contest, "close", policy)

    # 2020年"创梦天府"创业沙龙.
    salon = _event(policy, "2020年“创梦天府”创业指导·创业沙龙", "salon", D(2020, 10, 15), "510811",
                   "昭化区就业服务中心", 40, description="创业导师与返乡创业者面对面交流。")
    _move(salon, "open", policy)
    guests = _walk_ins(salon, policy, [(("510811", "19900921", 53), "李红梅", ""),
                                       (("510811", "19880117", 64), "张志强", "")])
    _move(salon, "hold", policy)
    attendance_record(registration=guests[0], attended=True, actor=policy)
    _move(salon, "close", policy)

    # 2020年融资集市 and 扶贫融资对接会.
    fair = _event(policy, "2020年广元市创业担保贷款融资集市(利州站)", "fair", D(2020, 6, 18), "510802",
                  "利州区万达广场", 150)
    matching = _event(policy, "2020年苍溪县扶贫融资对接会", "matching", D(2020, 9, 10), "510824", "苍溪县人社局",
                      80, organiser="苍溪县就业服务中心")
    for event, people in ((fair, [(("510802", "19910403", 75), "赵丽君", "社区生鲜店")]),
                          (matching, [(("510824", "19850730", 86), "何大勇", "猕猴桃种植合作社")])):
        for bank in banks:
            event_bank_add(event=event, bank=bank, actor=policy)
        _move(event, "open", policy)
        [registration] = _walk_ins(event, policy, people)
        _move(event, "hold", policy)
        attendance_record(registration=registration, attended=True, actor=policy)
        if banks:
            intention_record(registration=registration, bank=banks[0], amount="150000.00", actor=policy)
        _move(event, "close", policy)

    # 2026 spring fair: the demo applicant's intention and the loan that followed it.
    spring = _event(policy, "2026年春季创业担保贷款融资集市", "fair", D(2026, 5, 10), "510802", "利州区市民中心", 120)
    for bank in banks:
        event_bank_add(event=spring, bank=bank, actor=policy)
    _move(spring, "open", policy)
    mine = registration_self(event=spring, actor=applicant)
    _move(spring, "hold", policy)
    attendance_record(registration=mine, attended=True, actor=policy)
    loan = Loan.objects.filter(person_id=applicant.person_id, principal__isnull=False).select_related("bank").first()
    if loan is not None:
        intention_record(registration=mine, bank=loan.bank if loan.bank in banks else banks[0],
                         amount="150000.00", actor=policy)
        event_loan_link(registration=mine, loan=loan, actor=policy)

    # Open for registration: the winter fair.
    winter = _event(policy, "2026年冬季创业担保贷款融资集市", "fair", D(2026, 12, 18), "510802", "利州区市民中心", 200,
                    description="合作银行现场受理创业担保贷款咨询和申请。")
    for bank in banks:
        event_bank_add(event=winter, bank=bank, actor=policy)
    _move(winter, "open", policy)
    stdout.write("Startup events: 6 events (a contest with awards, a salon, three fairs, a matching event).")
