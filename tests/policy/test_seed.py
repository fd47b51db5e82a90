"""The seeded parameters: every key documented, periods that never overlap, and confidence marks that say
what DOMAIN.md says (a value it could not find is never marked verified)."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest

from guangyuan_jobs.policy import keys
from guangyuan_jobs.policy.models import PolicyDocument, PolicyParameter
from guangyuan_jobs.policy.selectors import policy_parameter, policy_value

pytestmark = pytest.mark.django_db
D = datetime.date


def test_every_seeded_key_is_documented_and_every_documented_key_is_seeded():
    seeded = set(PolicyParameter.objects.values_list("key", flat=True))
    assert seeded == set(keys.KEYS)
    missing_in_docstring = [key for key in keys.KEYS if key not in keys.__doc__]
    assert missing_in_docstring == []


def test_seeded_periods_never_overlap():
    periods = defaultdict(list)
    for p in PolicyParameter.objects.order_by("valid_from"):
        periods[p.key, p.region_id].append((p.valid_from, p.valid_to or D.max))
    overlaps = [(key, a, b) for key, rows in periods.items() for a, b in zip(rows, rows[1:], strict=False)
                if b[0] <= a[1]]
    assert overlaps == []


def test_every_row_has_a_note_and_every_verified_row_a_source():
    for p in PolicyParameter.objects.select_related("document"):
        assert p.note, p.key
        if p.confidence == "verified":
            assert p.document is not None and (p.document.url or "http" in p.note), p.key


@pytest.mark.parametrize("key, region", [
    ("sybzj.ui_benefit_standard_monthly", "510800"),
    ("cddk.interest.rate_ceiling_bp", "510000"),
    ("wgfh.hardship.benefit_months", None),
    ("casework.time_limit_days.default", "510800"),
    ("casework.dual_approval_threshold", "510800"),
    ("casework.public_notice_working_days", "510800"),
    ("casework.missing_material_due_working_days", "510800"),
])
def test_values_not_found_in_the_sources_are_marked_unverified(key, region):
    rows = PolicyParameter.objects.filter(key=key, region_id=region)
    assert rows.exists()
    assert set(rows.values_list("confidence", flat=True)) == {"unverified"}


def test_stable_post_refund_ratios_by_year():
    large = [policy_value("wgfh.ratio.large", on=D(y, 6, 1), region="510802") for y in range(2019, 2026)]
    sme = [policy_value("wgfh.ratio.sme", on=D(y, 6, 1), region="510802") for y in range(2019, 2026)]
    assert large == [Decimal(v) for v in ("0.50", "0.50", "0.30", "0.50", "0.30", "0.30", "0.30")]
    assert sme == [Decimal(v) for v in ("0.50", "1.00", "0.60", "0.90", "0.60", "0.60", "0.60")]
    assert policy_parameter("wgfh.ratio.sme", on=D(2021, 6, 1), region="510802").region_code == "510000"
    assert policy_parameter("wgfh.ratio.sme", on=D(2024, 6, 1)).confidence == "verified"
    targets = {policy_value("wgfh.layoff_rate.control_target", on=D(y, 3, 1)) for y in range(2019, 2026)}
    assert targets == {Decimal("0.055")}
    assert policy_value("wgfh.layoff_rate.small_firm_max", on=D(2024, 1, 1)) == Decimal("0.20")
    assert policy_value("wgfh.layoff_rate.small_firm_max_staff", on=D(2024, 1, 1)) == 30
    assert policy_value("wgfh.contribution_months_min", on=D(2024, 1, 1)) == 12


def test_skill_upgrade_contribution_months_relaxed_from_36_to_12():
    assert policy_value("jnts.contribution_months_min", on=D(2018, 12, 31)) == 36
    assert policy_value("jnts.contribution_months_min", on=D(2019, 1, 1)) == 12
    assert policy_parameter("jnts.contribution_months_min", on=D(2023, 1, 1)).confidence == "verified"
    assert policy_parameter("jnts.contribution_months_min", on=D(2020, 1, 1)).confidence == "unverified"
    assert policy_value("jnts.application_window_months", on=D(2024, 1, 1)) == 12
    assert policy_value("jnts.occupation_level_limit_scope", on=D(2024, 1, 1)) == "lifetime"
    assert [policy_value(f"jnts.amount.{level}", on=D(2022, 1, 1)) for level in ("junior", "intermediate", "senior")
            ] == [Decimal("1000"), Decimal("1500"), Decimal("2000")]


def test_unemployment_subsidy_and_other_benefits():
    on = D(2020, 6, 1)
    assert policy_value("sybzj.rate_of_ui_benefit_max", on=on) == Decimal("0.80")
    assert policy_value("sybzj.max_months", on=on) == 6
    assert policy_value("sybzj.window.end", on=D(2021, 3, 1)) == D(2020, 12, 31)
    assert policy_value("xnjy.amount_per_hire", on=D(2025, 1, 1), region="510802") == Decimal("2000")
    assert policy_value("cddk.interest.lpr_offset_bp", on=D(2022, 1, 1)) == 150
    assert policy_value("cddk.individual.max_loans", on=D(2022, 1, 1)) == 3
    assert policy_value("cddk.enterprise.max_loans", on=D(2022, 1, 1)) == 2


def test_documents_carry_number_issuer_level_and_date():
    doc = PolicyDocument.objects.get(doc_no="财金〔2020〕21号")
    assert doc.level == "national"
    assert doc.issued_on == D(2020, 4, 15)
    assert doc.url.startswith("https://")
    assert PolicyParameter.objects.filter(document=doc, key="cddk.individual.max_amount").exists()
    assert PolicyDocument.objects.get(doc_no="川人社规〔2025〕11号").level == "sichuan"
