"""Demo accounts and a small, realistic data set: cases of every kind in every state, some reviewed and
waiting for the demo approver. Idempotent; refuses to run outside demo mode unless forced."""

import datetime
import logging
import os
import random
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.accounts.services import applicant_account_create, staff_create
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.services import case_create_draft, case_submit, case_transition
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_get_or_create

DEFAULT_PASSWORD = "Guangyuan-Demo-2026"  # noqa: S105 - the documented demo password (README)

# (username, display name, roles, scope, scope region)
STAFF = (
    ("intake", "受理员 王芳", ("intake",), User.Scope.WHOLE_CITY, None),
    ("policy", "宣讲员 李强", ("policy",), User.Scope.WHOLE_CITY, None),
    ("archive", "档案员 赵敏", ("archive",), User.Scope.WHOLE_CITY, None),
    ("entry", "录入员 刘洋", ("entry",), User.Scope.WHOLE_CITY, None),
    ("reviewer", "审核员 陈静", ("reviewer",), User.Scope.WHOLE_CITY, None),
    ("approver", "审批员 杨帆", ("approver",), User.Scope.WHOLE_CITY, None),
    # A second approver: amounts above the dual-approval threshold need two different approvers.
    ("approver2", "审批员 周涛", ("approver",), User.Scope.WHOLE_CITY, None),
    ("finance", "发放员 吴磊", ("finance",), User.Scope.WHOLE_CITY, None),
    ("manager", "科长 郑华", ("manager",), User.Scope.WHOLE_CITY, None),
    ("auditor", "审计员 孙丽", ("auditor",), User.Scope.WHOLE_CITY, None),
    ("security", "安全管理员 马骏", ("security",), User.Scope.WHOLE_CITY, None),
    ("admin", "系统管理员 何平", ("admin",), User.Scope.WHOLE_CITY, None),
    ("lizhou", "利州区审核员 林晓", ("reviewer",), User.Scope.DISTRICT, "510802"),
)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
         "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平")
DISTRICTS = ("510800", "510802", "510811", "510812", "510821", "510822", "510823", "510824")
FIRMS = ("广元市利州建材有限公司", "广元市苍溪红心猕猴桃合作社", "剑阁县翠云廊文旅有限公司",
         "旺苍县米仓山茶业有限公司", "青川县唐家河蜂业有限公司", "广元市昭化古城餐饮有限公司",
         "朝天区曾家山蔬菜专业合作社", "广元市嘉陵江物流有限公司")

# The state each demo case is driven to; REVIEWED appears often, so the demo approver has work waiting.
TARGETS = (
    CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.SUBMITTED, CaseStatus.ACCEPTED, "accepted_incomplete",
    CaseStatus.RETURNED, CaseStatus.REJECTED, CaseStatus.REVIEWED, CaseStatus.REVIEWED, CaseStatus.REVIEWED,
    CaseStatus.APPROVED, CaseStatus.PUBLICIZED, CaseStatus.PAID, CaseStatus.PAID, CaseStatus.REFUSED,
    CaseStatus.WITHDRAWN,
)
PERSON_KINDS = (("SYBZJ", Decimal("5100.00")), ("JNTS", Decimal("1500.00")), ("SBBT", Decimal("3600.00")),
                ("CYBT", Decimal("10000.00")))
ENTERPRISE_KINDS = (("WGFH", Decimal("147000.00")), ("XNJY", Decimal("2000.00")))


def _id_number(rng: random.Random, region: str, index: int) -> str:
    code = region if region != "510800" else "510802"
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 38))
    body = f"{code}{birth:%Y%m%d}{index % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def _credit_code(index: int) -> str:
    from stdnum.cn import uscc

    from guangyuan_jobs.core.identifiers import _ORG_CODE_ALPHABET, _ORG_CODE_WEIGHTS

    org = f"{70150000 + index:08d}"
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(org, _ORG_CODE_WEIGHTS, strict=True))
    org += {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    body = f"91{DISTRICTS[1 + index % 7]}{org}"
    return body + uscc.calc_check_digit(body)


class Command(BaseCommand):
    help = "Load demo accounts and demo cases (idempotent). Refuses outside demo mode unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even though DEMO_MODE is off")

    def handle(self, *args, force=False, **options):
        if not settings.DEMO_MODE and not force:
            raise CommandError("seed_demo loads demo accounts with a shared password; it runs only in demo mode "
                               "(DEMO_MODE=1) unless you pass --force.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        # Dozens of demo SMS notices and in-process task lines would bury the account list.
        for name in ("guangyuan_jobs.accounts.sms", "celery.app.trace"):
            logging.getLogger(name).setLevel(logging.WARNING)
        with transaction.atomic():
            users = self._accounts(password)
            created = self._cases(users) if not Case.objects.filter(details__demo=True).exists() else 0
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new cases). Accounts, password {password}:"))
        for username in ("applicant", "enterprise", *(s[0] for s in STAFF)):
            user = users[username]
            roles = ", ".join(user.groups.values_list("name", flat=True))
            self.stdout.write(f"  {username:<11} {roles:<22} {user.display_name}")
        self.stdout.write("Open http://127.0.0.1:8000 and sign in with one of them.")

    def _accounts(self, password: str) -> dict[str, User]:
        users = {u.username: u for u in User.objects.filter(username__in=["applicant", "enterprise",
                                                                             *(s[0] for s in STAFF)])}
        for username, display, roles, scope, region in STAFF:
            if username not in users:
                users[username] = staff_create(username=username, display_name=display, roles=roles, scope=scope,
                                               scope_region=region, actor=None, password=password)
        if "applicant" not in users:
            person = person_get_or_create(id_number="510802199001011236", name="张小明", phone="13800138000",
                                          region=Region.objects.get(code="510802"), actor=None)
            users["applicant"] = applicant_account_create(username="applicant", password=password,
                                                          display_name="张小明", actor=None, phone="13800138000",
                                                          person=person, phone_verified=True)
        if "enterprise" not in users:
            firm = enterprise_get_or_create(credit_code="91510802MA62XK3P88", name="广元市示范电子科技有限公司",
                                            actor=None, region=Region.objects.get(code="510802"))
            users["enterprise"] = applicant_account_create(username="enterprise", password=password,
                                                           display_name="示范电子科技", actor=None,
                                                           phone="13900139000", enterprise=firm,
                                                           phone_verified=True)
        return users

    def _cases(self, users: dict[str, User]) -> int:
        rng = random.Random(2020)  # noqa: S311 - demo data, reproducible on purpose
        regions = {r.code: r for r in Region.objects.filter(code__in=DISTRICTS)}
        today = timezone.localdate()
        created = 0
        applicant_person = users["applicant"].person
        own_enterprise = users["enterprise"].enterprise
        for index, target in enumerate(TARGETS * 3):
            region = regions[DISTRICTS[index % len(DISTRICTS)]]
            if index % 8 == 0:
                kind, amount = ENTERPRISE_KINDS[(index // 8) % len(ENTERPRISE_KINDS)]
                enterprise = own_enterprise if index < len(TARGETS) else enterprise_get_or_create(
                    credit_code=_credit_code(index), name=FIRMS[index % len(FIRMS)], actor=None, region=region)
                filer = users["enterprise"] if enterprise == own_enterprise else users["entry"]
                applicant = {"applicant_enterprise": enterprise}
            else:
                kind, amount = PERSON_KINDS[index % len(PERSON_KINDS)]
                if index in (1, 2, 3, 15):
                    person, filer = applicant_person, users["applicant"]
                else:
                    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
                    person = person_get_or_create(id_number=_id_number(rng, region.code, index), name=name,
                                                  phone=f"139{index:08d}", region=region, actor=None)
                    filer = users["entry"]
                applicant = {"applicant_person": person}
            if target == CaseStatus.WITHDRAWN and filer == users["entry"]:
                target = CaseStatus.SUBMITTED  # only the applicant withdraws
            period_start = today.replace(day=1) - datetime.timedelta(days=31 * (index + 1))
            case = case_create_draft(kind=kind, actor=filer, region=region, requested_amount=amount,
                                     period_start=period_start.replace(day=1), details={"demo": True}, **applicant)
            self._drive(case, target, users=users, filer=filer)
            created += 1
        return created

    def _drive(self, case: Case, target: str, *, users: dict[str, User], filer: User) -> None:
        if target == CaseStatus.DRAFT:
            return
        case = case_submit(case=case, actor=filer)

        def step(action, actor, comment="", **data):
            nonlocal case
            case = case_transition(case=case, action=action, actor=users[actor] if isinstance(actor, str) else actor,
                                   version=case.version, comment=comment, data=data or None)

        if target == CaseStatus.SUBMITTED:
            return
        if target == CaseStatus.WITHDRAWN:
            return step("withdraw", filer, "已在其他渠道申请")
        if target == CaseStatus.REJECTED:
            return step("reject", "intake", "不属于本中心受理范围")
        if target == CaseStatus.RETURNED:
            return step("return", "intake", "身份证复印件不清晰，请重新上传")
        if target == "accepted_incomplete":
            return step("accept_incomplete", "intake", "容缺受理",
                        missing_materials=[["bank_card", "社会保障卡或银行卡"]])
        step("accept", "intake")
        if target == CaseStatus.ACCEPTED:
            return
        step("review", "reviewer", "材料齐全，符合条件")
        if target == CaseStatus.REVIEWED:
            return
        if target == CaseStatus.REFUSED:
            return step("refuse", "approver", "经数据比对，申请期间已领取失业保险金")
        step("approve", "approver", "同意")
        if case.status == CaseStatus.REVIEWED:
            step("approve", "approver2", "同意（第二审批人）")
        if target == CaseStatus.APPROVED:
            return
        step("publicize", "approver")
        if target == CaseStatus.PUBLICIZED:
            return
        step("pay", "finance")
