"""Small exact statistics for comparing a handful of seeds (numpy and math only).

    from helpers.variants.stats import fisher_exact, binomial_interval, permutation_test
    fisher_exact(5, 5, 1, 5)            # "5 of 5 solved" vs "1 of 5": two-sided p = 0.048
    binomial_interval(4, 5)             # exact 95 % interval for a success rate seen 4 of 5 times
    permutation_test(a, b)              # exact p for a difference of means between two groups
    bootstrap_interval(a, b)            # 95 % percentile interval of mean(a) - mean(b)

With 5 seeds per group the tests are coarse: two groups of 5 runs can reach p < 0.05 only
when they are (almost) fully separated, which is why the notebook says "not significant" often.
"""
from __future__ import annotations

import itertools
import math

import numpy as np


def _hypergeometric(k: int, n1: int, n2: int, total_k: int) -> float:
    """P(k successes in group 1 | n1, n2 runs and total_k successes in all)."""
    return math.comb(n1, k) * math.comb(n2, total_k - k) / math.comb(n1 + n2, total_k)


def fisher_exact(k1: int, n1: int, k2: int, n2: int) -> dict:
    """Fisher's exact test for "k1 of n1" against "k2 of n2" successes.

    Returns ``{"two_sided": p, "greater": p, "less": p}``: two-sided sums the probabilities of
    all tables no more likely than the observed one; "greater" is P(group 1 has >= k1
    successes) under the null hypothesis of equal success rates, "less" P(<= k1).
    """
    for k, n, name in ((k1, n1, "group 1"), (k2, n2, "group 2")):
        if not (isinstance(k, (int, np.integer)) and isinstance(n, (int, np.integer))
                and 0 <= k <= n and n >= 1):
            raise ValueError(f"{name}: need integers 0 <= k <= n, n >= 1; got k={k}, n={n}")
    total_k = k1 + k2
    low, high = max(0, total_k - n2), min(n1, total_k)
    probs = {k: _hypergeometric(k, n1, n2, total_k) for k in range(low, high + 1)}
    observed = probs[k1]
    two_sided = sum(p for p in probs.values() if p <= observed * (1 + 1e-9))
    return {"two_sided": min(1.0, two_sided),
            "greater": min(1.0, sum(p for k, p in probs.items() if k >= k1)),
            "less": min(1.0, sum(p for k, p in probs.items() if k <= k1))}


def _binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, j) * p ** j * (1 - p) ** (n - j) for j in range(k, n + 1))


def binomial_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a success rate seen ``k`` times in ``n``."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    alpha = (1 - level) / 2

    def solve(f, target):  # f increasing in p on [0, 1]: bisection for f(p) = target
        lo, hi = 0.0, 1.0
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
        return (lo + hi) / 2

    lower = 0.0 if k == 0 else solve(lambda p: _binomial_tail(k, n, p), alpha)
    upper = 1.0 if k == n else solve(lambda p: _binomial_tail(k + 1, n, p), 1 - alpha)
    return lower, upper


def permutation_test(a, b) -> float:
    """Exact two-sided p of the difference of means of ``a`` and ``b``: the share of all
    ways to split the pooled values into groups of their sizes whose |difference| is at
    least the observed one."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim != 1 or b.ndim != 1 or len(a) < 1 or len(b) < 1:
        raise ValueError(f"need two non-empty 1-D groups, got shapes {a.shape}, {b.shape}")
    pooled = np.concatenate([a, b])
    if math.comb(len(pooled), len(a)) > 200_000:
        raise ValueError(f"{len(a)} + {len(b)} values: too many splits for an exact test")
    observed = abs(a.mean() - b.mean())
    total = pooled.sum()
    count = splits = 0
    for chosen in itertools.combinations(range(len(pooled)), len(a)):
        s = pooled[list(chosen)].sum()
        diff = abs(s / len(a) - (total - s) / len(b))
        count += diff >= observed - 1e-12 * max(1.0, abs(observed))
        splits += 1
    return count / splits


def bootstrap_interval(a, b, level: float = 0.95, n_resamples: int = 10_000,
                       seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of ``mean(a) - mean(b)`` (each group resampled alone)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"need at least 2 values per group, got {len(a)} and {len(b)}")
    rng = np.random.default_rng(seed)
    diffs = (rng.choice(a, size=(n_resamples, len(a))).mean(axis=1)
             - rng.choice(b, size=(n_resamples, len(b))).mean(axis=1))
    alpha = (1 - level) / 2
    return float(np.quantile(diffs, alpha)), float(np.quantile(diffs, 1 - alpha))


def describe_p(p: float, alpha: float = 0.05) -> str:
    """``"p = 0.048, significant at 0.05"`` or ``"p = 0.44, not significant"``."""
    shown = f"p = {p:.3f}" if p >= 0.001 else "p < 0.001"
    return f"{shown}, significant at {alpha}" if p < alpha else f"{shown}, not significant"
