"""factory_boy factories shared by every app's tests."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group
from stdnum.cn import ric

from guangyuan_jobs.accounts.models import User
from guangyuan_jobs.registry.models import Enterprise, Person, Region

PASSWORD = "Correct-Horse-42!"
_sequence = itertools.count(1)


def make_id_number(*, region: str = "510802", birth: datetime.date = datetime.date(1990, 1, 1), seq: int | None = None,
                   male: bool = True) -> str:
    """A valid 18-character resident ID (check digit computed), unique per call unless `seq` is given."""
    n = next(_sequence) if seq is None else seq
    order = (n * 2 + (1 if male else 0)) % 1000
    birth += datetime.timedelta(days=n // 500)  # 500 sequence numbers per day, then the next day
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


def make_credit_code(*, region: str = "510802", seq: int | None = None) -> str:
    """A valid unified social credit code (both check characters computed)."""
    from stdnum.cn import uscc

    from guangyuan_jobs.core.identifiers import _ORG_CODE_ALPHABET, _ORG_CODE_WEIGHTS

    n = next(_sequence) if seq is None else seq
    org = f"{n:08d}"
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(org, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    org += {10: "X", 11: "0"}.get(check, str(check))
    body = f"91{region}{org}"
    return body + uscc.calc_check_digit(body)


def region(code: str = "510802") -> Region:
    return Region.objects.get(code=code)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    id_number = factory.LazyFunction(make_id_number)
    name = factory.Sequence(lambda n: f"测试{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, id_number=None, **kwargs):
        from guangyuan_jobs.registry.services import person_get_or_create

        region_obj = kwargs.pop("region", None) or region("510802")
        return person_get_or_create(
            id_number=id_number or make_id_number(), name=kwargs.pop("name"), phone=kwargs.pop("phone", ""),
            region=region_obj, actor=None,
        )


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.LazyFunction(make_credit_code)
    name = factory.Sequence(lambda n: f"广元测试企业{n}有限公司")
    region = factory.LazyFunction(lambda: region("510802"))


def make_user(role: str, *, username: str | None = None, scope: str | None = None, region_code: str | None = None,
              person: Person | None = None, enterprise: Enterprise | None = None, **extra) -> User:
    """A user in one role. Staff default to the whole city; applicants get their own person or firm."""
    username = username or f"{role}{next(_sequence)}"
    if role == "applicant_person":
        kind, scope = User.Kind.PERSON, User.Scope.NONE
        person = person or PersonFactory()
    elif role == "applicant_enterprise":
        kind, scope = User.Kind.ENTERPRISE, User.Scope.NONE
        enterprise = enterprise or EnterpriseFactory()
    else:
        kind = User.Kind.STAFF
        scope = scope or (User.Scope.DISTRICT if region_code else User.Scope.WHOLE_CITY)
    user = User.objects.create_user(
        username=username, password=PASSWORD, kind=kind, scope=scope,
        scope_region_id=region_code, person=person, enterprise=enterprise,
        display_name=extra.pop("display_name", username), **extra,
    )
    user.groups.add(Group.objects.get(name=role))
    return user
