#!/usr/bin/python3
"""binomial_bounds.py N WEIGHT WEIGHT_OTHER TAIL -> "LOW HIGH"

X ~ Binomial(N, WEIGHT / (WEIGHT + WEIGHT_OTHER)), exactly (integer arithmetic, math.comb):
LOW is the largest k with P(X < k) <= TAIL/2, HIGH the smallest k with P(X > k) <= TAIL/2,
so a fair split lands outside [LOW, HIGH] with probability at most TAIL.
"""
import math
import sys
from fractions import Fraction


def bounds(n, w, w_other, tail):
    total = (w + w_other) ** n
    # P(X = k) * total, exactly.
    mass = [math.comb(n, k) * w ** k * w_other ** (n - k) for k in range(n + 1)]
    half = Fraction(tail) / 2
    low, below = 0, 0
    while low < n and Fraction(below + mass[low], total) <= half:
        below += mass[low]
        low += 1
    high, above = n, 0
    while high > 0 and Fraction(above + mass[high], total) <= half:
        above += mass[high]
        high -= 1
    return low, high


if __name__ == "__main__":
    n, w, w_other = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    print(*bounds(n, w, w_other, Fraction(sys.argv[4])))
