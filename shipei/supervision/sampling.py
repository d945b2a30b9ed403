"""The sampling method of a spot check, stated so that anyone can redo a draw by hand or in any
language from what the draw recorded (its seed and inputs) and see it was not chosen by hand.

Method ``shipei-sample-v1``:

1. The population is the list of ids of the classes (or projects) that qualify, in ascending
   id order. With stratification every id carries a stratum key; strata are taken in ascending
   key order, and each stratum's ids stay in ascending order.
2. The sample size ``n``: a count as given; a percentage ``p`` gives ``ceil(N × p / 100)``
   of the ``N`` in the population.
3. Sizes per stratum (proportional allocation, largest remainder): stratum ``h`` of ``N_h``
   ids gets ``floor(n × N_h / N)``; the ids left over go one each to the strata with the largest
   remainders ``n × N_h / N − floor(...)``, ties to the smaller stratum key. Without
   stratification there is one stratum, key ``""``.
4. One generator ``random.Random(seed)`` (Python's Mersenne Twister, seeded with the integer
   seed), and only its ``random()`` is used, whose sequence Python guarantees across versions.
   Strata in key order; in each, a partial Fisher–Yates shuffle of its id list: for
   ``i = 0 … k−1``, ``j = i + floor(random() × (N_h − i))``, swap the items at ``i`` and ``j``.
   The first ``k`` items are the stratum's sample.
5. The sample is the union of the strata's samples, listed in ascending id order.
"""

import math
import random
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

METHOD = "shipei-sample-v1"
SEED_DIGITS = 30


def new_seed() -> str:
    """A seed nobody chose: 63 random bits from the operating system, as decimal digits."""
    return str(secrets.randbits(63))


def sample_size(
    population: int, *, count: int | None = None, percent: Decimal | None = None
) -> int:
    """Step 2: the size for a count or a percentage (the caller checks the bounds)."""
    if count is not None:
        return count
    assert percent is not None
    return math.ceil(Fraction(population) * Fraction(percent) / 100)


def allocate(strata: Mapping[str, Sequence[int]], n: int) -> dict[str, int]:
    """Step 3: the size of each stratum's sample, summing to `n` (0 < n <= population)."""
    total = sum(len(ids) for ids in strata.values())
    keys = sorted(strata)
    exact = {k: Fraction(n * len(strata[k]), total) for k in keys}
    sizes = {k: math.floor(exact[k]) for k in keys}
    left = n - sum(sizes.values())
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - sizes[k]), k))
    for k in by_remainder[:left]:
        sizes[k] += 1
    return sizes


def draw(seed: str, strata: Mapping[str, Sequence[int]], sizes: Mapping[str, int]) -> list[int]:
    """Steps 4 and 5: the sample, in ascending id order."""
    rng = random.Random(int(seed))
    chosen: list[int] = []
    for key in sorted(strata):
        items = sorted(strata[key])
        for i in range(sizes.get(key, 0)):
            j = i + math.floor(rng.random() * (len(items) - i))
            items[i], items[j] = items[j], items[i]
        chosen.extend(items[: sizes.get(key, 0)])
    return sorted(chosen)
