#!/usr/bin/env python3
"""Check a Guangyuan training-institution lottery (公开抽签) from its published record, with nothing but Python 3.

Usage:
    python3 verify_draw.py RECORD            RECORD: the draw record's JSON file, or its https:// address
                                             (the "Download the record (JSON)" link of the public draw page)

It recomputes, from the published inputs only, every hash and result of algorithm GY-LOTTERY-1 and prints
each check; the exit status is 0 when everything agrees, 1 when anything differs, 2 when the record cannot be
read. The algorithm, in full:

  pool_sha256  = SHA-256 of the canonical JSON of {"package": ref, "institutions": [[code, name], ...]}
                 (institutions sorted by code; canonical JSON: sorted keys, separators "," and ":", UTF-8,
                 non-ASCII characters kept as they are)
  commitment   = SHA-256 of the committed value (published before the draw, the value revealed at it)
  seed         = SHA-256 of the canonical JSON of {"algorithm", "package", "attempt", "pool_sha256",
                 "committed_value", "public_numbers"}
  stream       = SHA-256(seed || 0), SHA-256(seed || 1), ... (counter as 8 bytes big-endian), read as 64-bit
                 big-endian words
  pick below n = next word u; reject while u >= 2**64 - 2**64 % n; then u % n   (no modulo bias)
  order        = Fisher-Yates over the pool in code order: for i = len-1 .. 1, swap i with pick below i+1
  winner       = first in the order not "capped" (already holding the maximum of wins in the session, counted
                 over the packages drawn before it, in their published order); reserves = the others in order

This file is deliberately independent of the portal's code: it must not import anything but the standard
library.
"""

import hashlib
import json
import sys
import urllib.request

ALGORITHM = "GY-LOTTERY-1"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def order_of(codes, seed: bytes) -> list:
    items = sorted(codes)
    words = _words(seed)
    for i in range(len(items) - 1, 0, -1):
        n = i + 1
        limit = 2**64 - (2**64 % n)
        u = next(words)
        while u >= limit:
            u = next(words)
        j = u % n
        items[i], items[j] = items[j], items[i]
    return items


def _words(seed: bytes):
    counter = 0
    while True:
        block = hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1
        for k in range(0, 32, 8):
            yield int.from_bytes(block[k:k + 8], "big")


def seed_of(package: str, attempt: int, pool_hash: str, committed_value: str, public_numbers) -> bytes:
    return hashlib.sha256(canonical({
        "algorithm": ALGORITHM, "package": package, "attempt": attempt, "pool_sha256": pool_hash,
        "committed_value": committed_value, "public_numbers": [str(n) for n in public_numbers],
    })).digest()


def winner_and_reserves(order, capped):
    free = [code for code in order if code not in set(capped)]
    return (free[0] if free else None), free[1:]


def verify(record: dict, out=print) -> bool:  # noqa: T202
    results = []

    def check(label, passed):
        results.append(bool(passed))
        out(("  OK   " if passed else "  FAIL ") + label)

    out(f"Draw session {record.get('session')}: {record.get('title', '')}")
    check(f"algorithm is {ALGORITHM}", record.get("algorithm") == ALGORITHM)
    value = record.get("committed_value")
    if record.get("status") == "drawn":
        check("SHA-256 of the revealed value equals the published commitment",
              isinstance(value, str) and sha256(value.encode("utf-8")) == record.get("commitment_sha256"))
    else:
        out("  (not drawn yet: only the pools and the commitment can be checked)")
    session_numbers = record.get("public_numbers") or []
    max_wins = record.get("max_wins_per_institution")
    wins = {}
    for package in sorted(record.get("packages", []), key=lambda p: p["position"]):
        ref = package["package"]
        pool = package.get("pool") or {}
        codes = [code for code, _name in pool.get("institutions", [])]
        check(f"{ref}: pool hash", sha256(canonical(pool)) == package.get("pool_sha256")
              and pool.get("package") == ref and codes == sorted(codes))
        for draw in package.get("draws", []):
            attempt = draw["attempt"]
            numbers = draw["public_numbers"]
            check(f"{ref} attempt {attempt}: public numbers are the session's"
                  + ("" if attempt == 1 else " plus those of the re-draw"),
                  numbers[:len(session_numbers)] == session_numbers
                  and (attempt == 1) == (len(numbers) == len(session_numbers)))
            if attempt == 1:
                expected = {code for code, n in wins.items() if n >= max_wins} & set(codes)
                check(f"{ref} attempt 1: institutions at the limit of wins", set(draw["capped"]) == expected)
            else:
                check(f"{ref} attempt {attempt}: re-draw has a reason", bool(draw.get("reason")))
            seed = seed_of(ref, attempt, package["pool_sha256"], value or "", numbers)
            order = order_of(codes, seed)
            winner, reserves = winner_and_reserves(order, draw["capped"])
            check(f"{ref} attempt {attempt}: seed", seed.hex() == draw["seed"])
            check(f"{ref} attempt {attempt}: order, winner and reserves",
                  order == draw["order"] and winner == draw["winner"] and reserves == draw["reserves"])
            if attempt == 1 and winner:
                wins[winner] = wins.get(winner, 0) + 1
            if draw.get("current"):
                names = dict(pool.get("institutions", []))
                out(f"  -> {ref} winner: {winner} {names.get(winner, '')}".rstrip())
    passed = all(results)
    out("ALL CHECKS PASSED" if passed else "SOME CHECKS FAILED")
    return passed


def load(source: str) -> dict:
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - the user's own address
            return json.loads(response.read().decode("utf-8"))
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__)  # noqa: T201 - a command-line tool
        return 2
    try:
        record = load(argv[1])
    except (OSError, ValueError) as exc:
        print(f"Cannot read the record: {exc}")  # noqa: T201
        return 2
    return 0 if verify(record) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
