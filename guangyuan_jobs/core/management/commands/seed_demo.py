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
from guangyuan_jobs.casework.kinds import payment_holds
from guangyuan_jobs.casework.models import Case, CaseStatus
from guangyuan_jobs.casework.services import case_submit, case_transition
from guangyuan_jobs.core.discovery import app_modules
from guangyuan_jobs.registry.models import Region
from guangyuan_jobs.registry.services import enterprise_get_or_create, person_get_or_create
from subsidies.services.claims import claim_amount_set, claim_file
from subsidies.services.notices import notice_publish

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
PERSON_KINDS = ("SYBZJ", "JNTS", "SBBT", "CYBT")
ENTERPRISE_KINDS = ("WGFH", "XNJY")


def _id_number(rng: random.Random, region: str, index: int) -> str:
    code = region if region != "510800" else "510802"
    # Born 1980-2001: of working age, and far enough from retirement that every person kind applies.
    birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 22))
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


def _app_demo_modules():
    """Each business app may load its own demo data from `<app>/demo.py`: `seed_demo(users, password, stdout)`,
    idempotent, given the demo accounts by user name (it may add its own to the dict, which are then listed)."""
    return app_modules("demo")


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
            seeded = Case.objects.filter(created_by__username__in=["entry", "applicant", "enterprise"]).exists()
            created = 0 if seeded else self._cases(users)
            for seed_app in _app_demo_modules():
                seed_app.seed_demo(users=users, password=password, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new cases). Accounts, password {password}:"))
        for username in dict.fromkeys(("applicant", "enterprise", *(s[0] for s in STAFF), *users)):
            user = users[username]
            roles = ", ".join(user.groups.values_list("name", flat=True))
            self.stdout.write(f"  {username:<16} {roles:<22} {user.display_name}")
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
        self.to_publish: dict[str, list[str]] = {}
        rng = random.Random(2020)  # noqa: S311 - demo data, reproducible on purpose
        regions = {r.code: r for r in Region.objects.filter(code__in=DISTRICTS)}
        today = timezone.localdate()
        created = 0
        applicant_person = users["applicant"].person
        own_enterprise = users["enterprise"].enterprise
        for index, target in enumerate(TARGETS * 3):
            region = regions[DISTRICTS[index % len(DISTRICTS)]]
            if index % 8 == 0:
                kind = ENTERPRISE_KINDS[(index // 8) % len(ENTERPRISE_KINDS)]
                enterprise = own_enterprise if index < len(TARGETS) else enterprise_get_or_create(
                    credit_code=_credit_code(index), name=FIRMS[index % len(FIRMS)], actor=None, region=region)
                filer = users["enterprise"] if enterprise == own_enterprise else users["entry"]
                applicant = {"applicant_enterprise": enterprise}
            else:
                kind = PERSON_KINDS[index % len(PERSON_KINDS)]
                if index in (2, 4, 13, 15):  # the demo applicant: submitted, 容缺 to supplement, paid, withdrawn
                    person, filer = applicant_person, users["applicant"]
                else:
                    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
                    person = person_get_or_create(id_number=_id_number(rng, region.code, index), name=name,
                                                  phone=f"139{index:08d}", region=region, actor=None)
                    filer = users["entry"]
                applicant = {"applicant_person": person}
            if target == CaseStatus.WITHDRAWN and filer == users["entry"]:
                target = CaseStatus.SUBMITTED  # only the applicant withdraws
            case = claim_file(kind=kind, actor=filer, region=region, data=self._claim_data(kind, index, rng, today),
                              **applicant)
            self._drive(case, target, users=users, filer=filer)
            created += 1
        # Approved cases waiting for payment go on a running public notice, as the real flow does.
        for kind, refs in self.to_publish.items():
            notice_publish(kind=kind, actor=users["approver"], case_refs=refs)
        return created

    @staticmethod
    def _claim_data(kind: str, index: int, rng: random.Random, today: datetime.date) -> dict:
        """Plausible form data for each kind; the amounts follow from the policy parameters, not from here."""
        if kind == "WGFH":
            staff = rng.randrange(12, 400)
            return {"premium_year": today.year - 1, "size_class": "large" if staff > 300 else "sme",
                    "average_insured_staff": staff, "new_ui_claimants": rng.randrange(0, max(1, staff // 40)),
                    "prior_year_premiums": f"{staff * rng.randrange(900, 1400)}.00", "contribution_months": 36}
        if kind == "XNJY":
            return {"hired_id_number": _id_number(rng, "510821", 500 + index), "hired_name": "新" + GIVEN[index % 20],
                    "hired_on": (today - datetime.timedelta(days=60 + index)).isoformat(), "contract_months": 12}
        if kind == "SYBZJ":
            return {"category": "not_eligible", "insured_months": 8 + index % 20,
                    "unemployed_since": datetime.date(2020, 3 + index % 9, 1).isoformat()}
        if kind == "JNTS":
            return {"occupation_code": f"4-01-0{index % 5 + 1}-00",
                    "occupation_name": "电工" if index % 2 else "保育师",
                    "level": (5, 4, 3)[index % 3], "certificate_no": f"S{today.year}51080{index:06d}",
                    "issued_on": (today - datetime.timedelta(days=30 + index * 3)).isoformat(),
                    "ui_contribution_months": 24 + index}
        if kind == "SBBT":
            return {"category": "hard_flexible", "months": 6, "monthly_contribution": "320.00",
                    "period_start": (today.replace(day=1) - datetime.timedelta(days=200)).replace(day=1).isoformat()}
        return {"business_name": f"{SURNAMES[index % 20]}记小吃店", "business_credit_code": _credit_code(900 + index),
                "registered_on": (today - datetime.timedelta(days=120)).isoformat()}

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
        if case.kind == "CYBT":
            # No start-up subsidy standard is on record, so the reviewer sets the amount (DOMAIN.md §12.5).
            claim_amount_set(case=case, amount=Decimal("5000.00"), reason="参照本地往年标准核定",
                             actor=users["reviewer"])
            case.refresh_from_db()
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
        if target == CaseStatus.PUBLICIZED:
            self.to_publish.setdefault(case.kind, []).append(case.ref)
            return
        step("publicize", "approver")
        if payment_holds([case.pk]):
            return  # paid another way (a monthly subsidy, month by month in payment batches)
        step("pay", "finance")
