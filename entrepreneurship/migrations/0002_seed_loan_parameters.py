"""Seed the start-up loan parameters the policy app did not already hold (DOMAIN.md §5).

- cddk.lpr_1y: the 1-year Loan Prime Rate (贷款市场报价利率, percent) published by the National Interbank Funding
  Center each month from 2019-08-20, one row per change, valid until the next change; the subsidy is fixed
  with the LPR in force on the contract date. Entered from the published record; confidence "secondary"
  until checked against chinamoney.com.cn. The last row stays open: an administrator adds a row when the LPR
  next changes.
- cddk.eligible_groups: codes of the groups eligible for individual and partnership loans (the "十类重点群体"
  of 财金〔2018〕22号 / 财金〔2020〕21号), plus the 2020 additions (self-employed who lost income to the
  epidemic; taxi and ride-hailing drivers) for loans issued up to 2020-12-31.
- cddk.counter_guarantee.exempt_groups: groups the guarantee fund backs on credit alone (no counter-guarantee):
  Sichuan, university graduates and rural poor households (3g.china.com 2017); none nationally.
- cddk.subsidy.individual.term_years / cddk.subsidy.enterprise.term_years: years from the contract date
  the subsidy runs at most (3 / 2), DOMAIN.md §5.2 (subsidy_end = min(term, 3 years / 2 years)).
- cddk.interest.day_count_basis: days in the interest year (360): 日利率 = 年利率 ÷ 360, 《人民币利率管理规定》
  (中国人民银行 1999) art. 25.

Seeded only where no row for the key exists, so values entered by an administrator win; the reverse removes
only the rows seeded here.
"""

import datetime

from django.db import migrations

LPR_DOC = ("", "贷款市场报价利率（LPR）公告", "全国银行间同业拆借中心（受权）", "national", "2019-08-20",
           "https://www.chinamoney.com.cn/chinese/bklpr/")
RATE_RULES_DOC = ("银发〔1999〕77号", "人民币利率管理规定", "中国人民银行", "national", "1999-03-02", "")
SICHUAN_DOC = ("", "四川创业担保贷款信用担保（高校毕业生、农村贫困家庭）报道", "", "sichuan", "2017-08-10",
               "http://3g.china.com/act/news/11038989/20170810/31067889.html")

LPR_1Y = (
    ("2019-08-20", "4.25"), ("2019-09-20", "4.20"), ("2019-11-20", "4.15"), ("2020-02-20", "4.05"),
    ("2020-04-20", "3.85"), ("2021-12-20", "3.80"), ("2022-01-20", "3.70"), ("2022-08-22", "3.65"),
    ("2023-06-20", "3.55"), ("2023-08-21", "3.45"), ("2024-07-22", "3.35"), ("2024-10-21", "3.10"),
    ("2025-05-20", "3.00"),
)
TEN_GROUPS = ["registered_unemployed", "employment_difficulty", "veteran", "released_prisoner", "graduate",
              "overcapacity_worker", "returning_migrant", "online_merchant", "poverty", "rural_entrepreneur"]
COVID_GROUPS = ["covid_self_employed", "taxi_driver"]

# key, value_type, value, unit, region, valid_from, valid_to, document, confidence, note
PARAMETERS = [
    ("cddk.eligible_groups", "json", TEN_GROUPS, "codes", None, "2018-01-01", "2020-04-14", "cj_2018_22",
     "secondary", "十类重点群体（新闻转述，权威清单见 财金〔2018〕22号）。"),
    ("cddk.eligible_groups", "json", TEN_GROUPS + COVID_GROUPS, "codes", None, "2020-04-15", "2020-12-31",
     "cj_2020_21", "verified", "财金〔2020〕21号 增加受疫情影响的个体工商户、出租车/网约车司机等，限 2020-12-31 前发放的贷款。"),
    ("cddk.eligible_groups", "json", TEN_GROUPS, "codes", None, "2021-01-01", None, "cj_2020_21", "secondary",
     "2020 年新增群体到期后恢复十类重点群体。"),
    ("cddk.counter_guarantee.exempt_groups", "json", [], "codes", None, "2018-01-01", None, "cj_2018_22",
     "secondary", "全国层面未列按群体免除反担保；按金额、推荐、荣誉、信用评定免除见其他参数与规则。"),
    ("cddk.counter_guarantee.exempt_groups", "json", ["graduate", "poverty"], "codes", "510000", "2017-08-10", None,
     "sichuan_credit", "secondary", "四川：高校毕业生、农村贫困家庭由政府担保基金直接提供信用担保。"),
    ("cddk.subsidy.individual.term_years", "integer", 3, "years", None, "2020-04-15", None, "cj_2020_21",
     "secondary", "个人（含合伙）贷款贴息自合同签订日起最长 3 年，且不超过贷款到期日。"),
    ("cddk.subsidy.enterprise.term_years", "integer", 2, "years", None, "2020-04-15", None, "cj_2020_21",
     "secondary", "小微企业贷款贴息自合同签订日起最长 2 年，且不超过贷款到期日。"),
    ("cddk.interest.day_count_basis", "integer", 360, "days", None, "1999-03-02", None, "pbc_1999_rates",
     "secondary", "日利率 = 年利率 ÷ 360（《人民币利率管理规定》第二十五条）：贴息按日计息（ACT/360）。"),
]


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _document(PolicyDocument, doc):
    doc_no, title, issuer, level, issued_on, url = doc
    found = PolicyDocument.objects.filter(title=title).first()
    return found or PolicyDocument.objects.create(doc_no=doc_no, title=title, issuer=issuer, level=level,
                                                  issued_on=_date(issued_on), url=url)


def _rows():
    for i, (valid_from, value) in enumerate(LPR_1Y):
        valid_to = None
        if i + 1 < len(LPR_1Y):
            valid_to = (_date(LPR_1Y[i + 1][0]) - datetime.timedelta(days=1)).isoformat()
        yield ("cddk.lpr_1y", "decimal", value, "percent", None, valid_from, valid_to, "lpr", "secondary",
               f"1 年期 LPR {value}%，{valid_from} 公布。")
    yield from PARAMETERS


def seed(apps, schema_editor):
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    documents = {
        "lpr": _document(PolicyDocument, LPR_DOC),
        "pbc_1999_rates": _document(PolicyDocument, RATE_RULES_DOC),
        "sichuan_credit": _document(PolicyDocument, SICHUAN_DOC),
        "cj_2018_22": PolicyDocument.objects.filter(doc_no="财金〔2018〕22号").first(),
        "cj_2020_21": PolicyDocument.objects.filter(doc_no="财金〔2020〕21号").first(),
    }
    existing = set(PolicyParameter.objects.filter(key__in={row[0] for row in _rows()})
                   .values_list("key", flat=True))
    PolicyParameter.objects.bulk_create([
        PolicyParameter(key=key, value_type=value_type, value=value, unit=unit, region_id=region,
                        valid_from=_date(valid_from), valid_to=_date(valid_to), document=documents.get(doc),
                        confidence=confidence, note=note)
        for key, value_type, value, unit, region, valid_from, valid_to, doc, confidence, note in _rows()
        if key not in existing
    ])


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyDocument = apps.get_model("policy", "PolicyDocument")
    for key, _type, _value, _unit, region, valid_from, *_rest in _rows():
        PolicyParameter.objects.filter(key=key, region_id=region, valid_from=_date(valid_from),
                                       created_by=None).delete()
    PolicyDocument.objects.filter(title__in=[LPR_DOC[1], RATE_RULES_DOC[1], SICHUAN_DOC[1]],
                                  policyparameter__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("entrepreneurship", "0001_loan_tables"),
        ("policy", "0004_seed_calendar"),
        ("registry", "0002_seed_regions"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
