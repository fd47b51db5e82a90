"""Demo data of the training programme for `make run` (idempotent): a training officer and a third-party
evaluator, four institutions with their accounts, the 2026 plan from the partner departments' needs, three
published packages, one public draw already held (its record verifiable with bin/verify_draw.py) and one
announced for the visitor to run, and a class under way."""

import datetime
from decimal import Decimal

from django.utils import timezone

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import applicant_account_create, staff_create
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_get_or_create
from training.models import DrawSession, Institution, Occupation, TrainingPackage, TrainingPlan
from training.services import catalogue, delivery, draws, packages

INSTITUTIONS = (
    ("525108028120000147", "广元市利州区华夏职业培训学校", "510802", "train_huaxia"),
    ("525108118120000223", "广元市昭化区蜀道技能培训中心", "510811", "train_shudao"),
    ("52510821812000030D", "旺苍县红军城职业培训学校", "510821", "train_hongjun"),
    ("52510824812000049M", "苍溪县梨乡职业技能培训学校", "510824", "train_lixiang"),
)
DEMAND = (
    ("市民政局", "4-10-01-05", 5, 120, "510802"), ("市卫健委", "4-10-01-02", 5, 80, "510802"),
    ("市住建局", "6-31-01-03", 4, 60, "510811"), ("市退役军人局", "4-03-02-01", 5, 90, "510821"),
    ("市商务局", "4-01-06-01", 4, 50, "510800"),
)
TRAINEES = (("王秀英", "510802198503124527"), ("李建国", "510802197912036718"), ("张桂兰", "510802199002157325"))


def _staff(users, password, username, display, roles):
    user = User.objects.filter(username=username).first() or staff_create(
        username=username, display_name=display, roles=roles, scope=User.Scope.WHOLE_CITY, actor=None,
        password=password)
    users[username] = user
    return user


def seed_demo(*, users, password, stdout):
    officer = _staff(users, password, "training", "培训科 王敏", ["training_officer"])
    _staff(users, password, "evaluator", "第三方评估 四川衡信", ["training_evaluator"])
    accounts = []
    for index, (code, name, region, username) in enumerate(INSTITUTIONS, start=1):
        account = User.objects.filter(username=username).first()
        if account is None:
            enterprise = enterprise_get_or_create(credit_code=code, name=name, actor=None,
                                                  region=Region.objects.get(code=region))
            account = applicant_account_create(username=username, password=password, display_name=f"{name}（机构）",
                                               actor=None, enterprise=enterprise, phone=f"1390839000{index}",
                                               phone_verified=True)
        if not Institution.objects.filter(enterprise_id=account.enterprise_id).exists():
            packages.institution_register(enterprise=account.enterprise, licence_no=f"川人社民{code[-6:]}",
                                          contact_name="办学负责人", contact_phone="13908390000", actor=account)
        users[username] = account
        accounts.append(account)
    if TrainingPlan.objects.filter(year=2026).exists():
        return
    for department, occupation, level, headcount, region in DEMAND:
        catalogue.demand_line_submit(year=2026, department=department,
                                     occupation=Occupation.objects.get(code=occupation), level=level,
                                     headcount=headcount, region=Region.objects.get(code=region), actor=officer)
    plan = catalogue.plan_approve(plan=catalogue.plan_consolidate(year=2026, actor=officer), actor=officer)
    lines = list(plan.lines.select_related("occupation").order_by("id"))[:3]
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    made = []
    for line in lines:
        package = packages.package_create(
            plan_line=line, title=f"{line.occupation.name}（{line.get_level_display()}）{line.region.name}项目包",
            implementing_unit=line.departments.split("、")[0], seats=min(line.headcount, 40), hours=80,
            subsidy_standard=Decimal("1200.00"), min_teachers=3, min_premises_m2=200,
            equipment_required="与工种相适应的实训设备，每10名学员不少于1套", signup_deadline=deadline, actor=officer)
        packages.package_publish(package=package, actor=officer)
        for account in accounts:
            institution = Institution.objects.get(enterprise_id=account.enterprise_id)
            signup = packages.signup_submit(package=package, institution=institution, teachers=4, premises_m2=260,
                                            equipment="实训设备12套", actor=account)
            packages.signup_check(signup=signup, eligible=True, note="", actor=officer)
        made.append(package)
    # Demo only: the sign-up period is moved into the past so the pools can be frozen and drawn today.
    TrainingPackage.objects.filter(pk__in=[p.pk for p in made]).update(
        signup_deadline=timezone.localdate() - datetime.timedelta(days=1))
    frozen = [packages.pool_freeze(package=TrainingPackage.objects.get(pk=p.pk), actor=officer) for p in made]
    witnesses = [("notary", "李静", "广元市公证处"), ("discipline", "赵刚", "市人社局派驻纪检组"),
                 ("department", "陈华", "市民政局")]
    held = draws.session_announce(
        title="2026年第一批职业培训项目承训机构现场公开抽签",
        scheduled_at=timezone.now() + datetime.timedelta(minutes=5),
        venue="广元市就业创业促进中心三楼会议室", packages=frozen[:2],
        public_numbers_source="三位见证人依次各掷一枚骰子", stream_url="https://live.example.cn/gy-training-2026-1",
        witnesses=witnesses, actor=officer)
    draws.session_draw(session=held, public_numbers="4 1 6", actor=officer, recording_ref="录像 2026-01 号",
                       notary_certificate="(2026)川广证字第0001号")
    draws.session_announce(
        title="2026年第二批职业培训项目承训机构现场公开抽签", scheduled_at=timezone.now() + datetime.timedelta(hours=2),
        venue="广元市就业创业促进中心三楼会议室", packages=frozen[2:],
        public_numbers_source="当日福利彩票3D开奖号码", witnesses=witnesses[:2], actor=officer)
    first = TrainingPackage.objects.get(pk=frozen[0].pk)
    contractor = next(a for a in accounts if a.enterprise_id == first.contractor.enterprise_id)
    klass = delivery.class_file(package=first, starts_on=timezone.localdate() - datetime.timedelta(days=3),
                                ends_on=timezone.localdate() + datetime.timedelta(days=20),
                                address="利州区东坝街道培训楼三楼", teacher_names="张老师、李老师、王老师",
                                actor=contractor)
    for name, id_number in TRAINEES:
        person = person_get_or_create(id_number=id_number, name=name, actor=None,
                                      region=Region.objects.get(code="510802"))
        delivery.trainee_add(training_class=klass, person=person, actor=contractor)
    stdout.write(f"Training: plan 2026, {len(frozen)} packages, draws {held.ref} (held) and "
                 f"{DrawSession.objects.exclude(pk=held.pk).first().ref} (announced), class {klass.ref}.")
