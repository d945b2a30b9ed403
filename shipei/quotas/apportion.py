"""Splitting N seats over receivers in proportion to weights, exactly N in total.

Two classic methods: largest remainder (Hamilton) and Sainte-Laguë (highest averages with odd
divisors). Ties go to the larger weight, then to the receiver listed first, so the same input
always gives the same split.
"""

import heapq
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Method = Literal["hamilton", "sainte_lague"]
METHODS: dict[str, str] = {"hamilton": "最大余额法", "sainte_lague": "圣拉古法"}


def apportion(seats: int, weights: list[int | Decimal], method: Method = "hamilton") -> list[int]:
    """Seats per receiver, in the order of `weights`; receivers with weight 0 get none."""
    if seats < 0:
        raise ValueError("名额不能为负数")
    if any(w < 0 for w in weights):
        raise ValueError("权重不能为负数")
    exact = [Fraction(w) for w in weights]
    total = sum(exact)
    if seats == 0 or not weights:
        return [0] * len(weights)
    if total == 0:
        raise ValueError("权重之和为 0，无法按比例分配")
    if method == "hamilton":
        return _hamilton(seats, exact, total)
    if method == "sainte_lague":
        return _sainte_lague(seats, exact)
    raise ValueError(f"未知的分配方法：{method}")


def _hamilton(seats: int, weights: list[Fraction], total: Fraction) -> list[int]:
    quotas = [w * seats / total for w in weights]
    out = [int(q) for q in quotas]  # floor: quotas are non-negative
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - out[i]), -weights[i], i))
    for i in order[: seats - sum(out)]:
        out[i] += 1
    return out


def _sainte_lague(seats: int, weights: list[Fraction]) -> list[int]:
    out = [0] * len(weights)
    heap = [(-w, -w, i) for i, w in enumerate(weights) if w > 0]
    heapq.heapify(heap)
    for _ in range(seats):
        _, neg_weight, i = heapq.heappop(heap)
        out[i] += 1
        heapq.heappush(heap, (neg_weight / (2 * out[i] + 1), neg_weight, i))
    return out
