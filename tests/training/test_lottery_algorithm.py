"""The lottery's arithmetic (training.lottery) and the standalone verifier (bin/verify_draw.py): determinism,
sensitivity to every input, agreement of the two on many random pools, uniformity, and the constraints."""

import importlib.util
import itertools
import math
import random
import string
from collections import Counter
from pathlib import Path

import pytest

from training import lottery

SCRIPT = Path(__file__).resolve().parents[2] / "bin" / "verify_draw.py"


def load_script():
    spec = importlib.util.spec_from_file_location("verify_draw_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pool(n: int, *, rng=None):
    rng = rng or random.Random(n)
    return [("91510802" + "".join(rng.choices(string.digits + "ABCDEFGHJKLMNPQRTUWXY", k=10)),
             f"广元第{i}职业培训学校") for i in range(n)]


def inputs(**changes):
    members = pool(6)
    base = {"package_ref": "PXB-2026-ABCDEFGH", "attempt": 1, "pool_codes": [c for c, _ in members],
            "pool_hash": lottery.pool_sha256("PXB-2026-ABCDEFGH", members), "committed_value": "a" * 64,
            "public_numbers": ["12", "07", "33"]}
    base.update(changes)
    return base


def test_the_same_inputs_always_give_the_same_result():
    first = lottery.draw(**inputs())
    for _ in range(5):
        assert lottery.draw(**inputs()) == first
    assert sorted(first.order) == sorted(inputs()["pool_codes"])
    assert first.winner == first.order[0] and first.reserves == first.order[1:]


@pytest.mark.parametrize("change", [
    {"package_ref": "PXB-2026-ABCDEFGJ"}, {"attempt": 2}, {"pool_hash": "0" * 64},
    {"committed_value": "a" * 63 + "b"}, {"public_numbers": ["12", "07", "34"]},
    {"public_numbers": ["07", "12", "33"]}, {"public_numbers": ["12", "07", "33", "1"]},
])
def test_any_change_of_an_input_changes_the_seed(change):
    assert lottery.draw(**inputs(**change)).seed != lottery.draw(**inputs()).seed


def test_the_pool_hash_covers_every_member_and_the_package_but_not_their_listing_order():
    members = pool(5)
    assert lottery.pool_sha256("PXB-1", members) == lottery.pool_sha256("PXB-1", list(reversed(members)))
    assert lottery.pool_sha256("PXB-1", members) != lottery.pool_sha256("PXB-2", members)
    assert lottery.pool_sha256("PXB-1", members) != lottery.pool_sha256("PXB-1", members[:-1])
    renamed = [(members[0][0], members[0][1] + "（改）"), *members[1:]]
    assert lottery.pool_sha256("PXB-1", members) != lottery.pool_sha256("PXB-1", renamed)


def test_the_standalone_verifier_computes_the_same_order_as_the_portal_on_many_random_pools():
    script = load_script()
    rng = random.Random(20200101)
    for trial in range(400):
        members = pool(rng.randint(1, 40), rng=rng)
        ref = f"PXB-2026-{trial:08d}"
        codes = [c for c, _ in members]
        pool_hash = lottery.pool_sha256(ref, members)
        assert script.sha256(script.canonical(lottery.pool_document(ref, members))) == pool_hash
        value = f"{rng.getrandbits(256):064x}"
        numbers = [str(rng.randint(0, 99)) for _ in range(rng.randint(1, 6))]
        attempt = rng.randint(1, 3)
        capped = set(rng.sample(codes, k=rng.randint(0, len(codes))))
        portal = lottery.draw(package_ref=ref, attempt=attempt, pool_codes=codes, pool_hash=pool_hash,
                              committed_value=value, public_numbers=numbers, capped=capped)
        seed = script.seed_of(ref, attempt, pool_hash, value, numbers)
        order = script.order_of(codes, seed)
        winner, reserves = script.winner_and_reserves(order, capped)
        assert (seed.hex(), order, winner, reserves) == (portal.seed, list(portal.order), portal.winner,
                                                         list(portal.reserves))


# Critical value of chi-square at p = 0.001: with the fixed seeds below the test is deterministic, and a
# biased shuffle (e.g. modulo bias or the classic off-by-one "naive" shuffle) lands far above these.
CHI2_CRITICAL_P001 = {5: 20.515, 23: 49.728}


def chi_square(counts: Counter, cells: int, total: int) -> float:
    expected = total / cells
    return sum((counts.get(cell, 0) - expected) ** 2 / expected for cell in range(cells))


def test_every_position_is_equally_likely_for_every_institution():
    """Over 12,000 fixed seeds, the winner of a pool of 6 is uniform (chi-square, 5 degrees of freedom) and so is
    each full ordering of a pool of 4 (24 permutations, 23 degrees of freedom)."""
    seeds = [lottery.seed_for(package_ref="PXB-CHI", attempt=1, pool_hash="0" * 64, committed_value=str(i),
                              public_numbers=[]) for i in range(12_000)]
    winners = Counter(lottery.shuffle(list(range(6)), seed)[0] for seed in seeds)
    assert chi_square(winners, 6, len(seeds)) < CHI2_CRITICAL_P001[5]
    permutations = sorted(itertools.permutations(range(4)))
    index = {p: i for i, p in enumerate(permutations)}
    orders = Counter(index[tuple(lottery.shuffle(list(range(4)), seed))] for seed in seeds)
    assert chi_square(orders, 24, len(seeds)) < CHI2_CRITICAL_P001[23]


def test_the_uniform_pick_rejects_the_biased_tail_of_the_word_space():
    """A word at or above the largest multiple of n is thrown away, not folded by modulo."""
    stream = lottery.Stream(b"seed")
    words = iter([2**64 - 1, 2**64 - 2, 5])  # both at the top are in the biased tail for n = 3
    stream._word = lambda: next(words)
    assert stream.below(3) == 5 % 3


def test_capped_institutions_are_skipped_and_the_limit_counts_wins():
    result = lottery.draw(**inputs())
    capped = {result.order[0], result.order[2]}
    again = lottery.draw(**inputs(), capped=capped)
    assert again.order == result.order
    assert again.winner == result.order[1]
    assert capped.isdisjoint({again.winner, *again.reserves})
    assert set(again.capped) == capped
    assert lottery.capped_after(["A", "B", "A"], max_wins=2) == {"A"}
    assert lottery.capped_after(["A", "B"], max_wins=1) == {"A", "B"}
    everyone = set(result.order)
    assert lottery.draw(**{**inputs(), "capped": everyone}).winner is None


def test_chi_square_helper_is_not_vacuous():
    """A plainly biased sample fails the same threshold the test uses."""
    biased = Counter({0: 3000, 1: 2000, 2: 2000, 3: 2000, 4: 2000, 5: 1000})
    assert chi_square(biased, 6, 12_000) > CHI2_CRITICAL_P001[5]
    assert math.isfinite(chi_square(Counter(), 6, 6))
