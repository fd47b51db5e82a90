"""The public lottery (公开抽签) of training institutions, as pure functions: no database, no Django.

Algorithm GY-LOTTERY-1, the whole of it (bin/verify_draw.py re-implements it with the standard library only,
and a test holds the two to agreement):

1. **Pool.** A package's frozen pool is its eligible institutions sorted by institution code. Its canonical
   encoding is the JSON text of ``{"package": <ref>, "institutions": [[code, name], ...]}`` with sorted keys,
   no spaces, UTF-8, non-ASCII kept as is; ``pool_sha256`` is the SHA-256 of those bytes, published before
   the draw.
2. **Commitment.** Before the draw the portal publishes ``commitment_sha256 = SHA-256(committed value)``;
   the value itself (64 hex digits) is revealed at the draw, so nobody, the Center included, could choose it
   after seeing the public numbers.
3. **Seed.** ``seed = SHA-256(canonical JSON of {"algorithm", "package", "attempt", "pool_sha256",
   "committed_value", "public_numbers"})``; the public numbers are the strings announced on site, in the
   order announced (RFC 3797 combines public sources the same way). A re-draw (attempt 2, 3, ...) adds new
   public numbers announced at the re-draw to the original ones.
4. **Stream.** Block i (i = 0, 1, ...) is ``SHA-256(seed || i as 8 bytes big-endian)``; the stream is the
   blocks one after another, read 8 bytes at a time as unsigned big-endian integers.
5. **Uniform choice without modulo bias.** To pick below n: take the next integer u; with
   ``limit = 2**64 - (2**64 % n)``, reject u >= limit and take the next one, else the pick is ``u % n``.
6. **Order.** Fisher-Yates on the pool in canonical order: for i from len-1 down to 1, j = pick below i+1,
   swap items i and j. The result is the full order.
7. **Constraint.** An institution already holding the maximum number of wins in the session ("capped") is
   skipped: the winner is the first institution in the order that is not capped, the reserves are the
   others not capped, in order. Packages are drawn in their published order, so the capped set of each
   first draw follows from the winners of the packages before it.
"""

import hashlib
import json
from dataclasses import dataclass

ALGORITHM = "GY-LOTTERY-1"
_WORD = 8
_SPACE = 1 << 64


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def pool_document(package_ref: str, institutions) -> dict:
    """`institutions`: (code, name) pairs in any order; the document holds them sorted by code."""
    members = sorted(([str(code), str(name)] for code, name in institutions), key=lambda pair: pair[0])
    return {"package": package_ref, "institutions": members}


def pool_sha256(package_ref: str, institutions) -> str:
    return sha256_hex(canonical_json(pool_document(package_ref, institutions)))


def commitment_of(committed_value: str) -> str:
    return sha256_hex(committed_value)


def seed_for(*, package_ref: str, attempt: int, pool_hash: str, committed_value: str,
             public_numbers: list[str]) -> bytes:
    return hashlib.sha256(canonical_json({
        "algorithm": ALGORITHM, "package": package_ref, "attempt": attempt, "pool_sha256": pool_hash,
        "committed_value": committed_value, "public_numbers": [str(n) for n in public_numbers],
    })).digest()


class Stream:
    """SHA-256 in counter mode over the seed, read as 64-bit words."""

    def __init__(self, seed: bytes):
        self._seed = seed
        self._counter = 0
        self._buffer = b""

    def _word(self) -> int:
        if len(self._buffer) < _WORD:
            self._buffer += hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
        word, self._buffer = self._buffer[:_WORD], self._buffer[_WORD:]
        return int.from_bytes(word, "big")

    def below(self, n: int) -> int:
        if n < 1:
            raise ValueError("n must be positive")
        limit = _SPACE - (_SPACE % n)
        while True:
            u = self._word()
            if u < limit:
                return u % n


def shuffle(items: list, seed: bytes) -> list:
    order = list(items)
    stream = Stream(seed)
    for i in range(len(order) - 1, 0, -1):
        j = stream.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


@dataclass(frozen=True)
class DrawResult:
    seed: str  # hex
    order: tuple[str, ...]  # every institution code of the pool
    capped: tuple[str, ...]  # skipped: at the session's maximum of wins
    winner: str | None
    reserves: tuple[str, ...]


def draw(*, package_ref: str, attempt: int, pool_codes: list[str], pool_hash: str, committed_value: str,
         public_numbers: list[str], capped=()) -> DrawResult:
    seed = seed_for(package_ref=package_ref, attempt=attempt, pool_hash=pool_hash,
                    committed_value=committed_value, public_numbers=public_numbers)
    order = shuffle(sorted(pool_codes), seed)
    capped_set = set(capped)
    eligible = [code for code in order if code not in capped_set]
    return DrawResult(seed=seed.hex(), order=tuple(order),
                      capped=tuple(code for code in order if code in capped_set),
                      winner=eligible[0] if eligible else None, reserves=tuple(eligible[1:]))


def capped_after(winners: list[str], *, max_wins: int) -> set[str]:
    """Institutions that reached the limit with these wins."""
    counts: dict[str, int] = {}
    for code in winners:
        counts[code] = counts.get(code, 0) + 1
    return {code for code, n in counts.items() if n >= max_wins}
