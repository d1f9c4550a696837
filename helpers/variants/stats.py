"""Small exact statistics for comparing a handful of seeds (numpy and math only).

    from helpers.variants.stats import fisher_exact, binomial_interval, permutation_test
    fisher_exact(5, 5, 1, 5)            # "5 of 5 solved" vs "1 of 5": two-sided p = 0.048
    binomial_interval(4, 5)             # exact 95 % interval for a success rate seen 4 of 5 times
    permutation_test(a, b)              # exact p for a difference of means between two groups
    rank_sum_test(a, b)                 # exact Wilcoxon-Mann-Whitney p (ranks, ties averaged)
    welch_interval(a, b)                # 95 % Welch t interval of mean(a) - mean(b)

With 5 seeds per group the tests are coarse: two groups of 5 runs can reach p < 0.05 only
when they are (almost) fully separated, and two groups of 3 never can (the smallest exact
two-sided p is 2/20 = 0.1), which is why the notebook says "not significant" often. A
bootstrap interval over 3 or 5 seeds is too narrow (it resamples only the values seen); the
Welch interval widens with the t distribution's few degrees of freedom instead.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from ..i18n import _


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


def midranks(values) -> np.ndarray:
    """Ranks 1..n of ``values``, tied values sharing the mean of their ranks."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    for value in np.unique(values):
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def rank_sum_test(a, b) -> float:
    """Exact two-sided Wilcoxon-Mann-Whitney test: the permutation test of
    :func:`permutation_test` applied to the ranks of the pooled values (ties get their mean
    rank), so only the order of the values matters, not their size."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    ranks = midranks(np.concatenate([a, b]))
    return permutation_test(ranks[:len(a)], ranks[len(a):])


def _t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom (Simpson's rule on the density)."""
    if t == 0:
        return 0.5
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    xs = np.linspace(0.0, abs(t), 4001)
    density = np.exp(log_norm - (df + 1) / 2 * np.log1p(xs ** 2 / df))
    h = xs[1] - xs[0]
    area = h / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum()
                    + 2 * density[2:-1:2].sum())
    return 0.5 + math.copysign(area, t)


def t_quantile(q: float, df: float) -> float:
    """The t with ``P(T <= t) = q`` for Student's t with ``df`` degrees of freedom."""
    if not 0.5 <= q < 1 or df <= 0:
        raise ValueError(f"need 0.5 <= q < 1 and df > 0, got q={q}, df={df}")
    lo, hi = 0.0, 1.0
    while _t_cdf(hi, df) < q:
        lo, hi = hi, 2 * hi
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _t_cdf(mid, df) < q else (lo, mid)
    return (lo + hi) / 2


def welch_interval(a, b, level: float = 0.95) -> tuple[float, float]:
    """Welch's t interval for ``mean(a) - mean(b)`` (unequal variances; Welch-Satterthwaite
    degrees of freedom). It assumes each group's mean is roughly normal; with 3 to 5 values
    its few degrees of freedom make it wide, as it should be."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"need at least 2 values per group, got {len(a)} and {len(b)}")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    diff = float(a.mean() - b.mean())
    if va + vb == 0:
        return diff, diff
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = t_quantile(1 - (1 - level) / 2, df) * math.sqrt(va + vb)
    return diff - half, diff + half


def describe_p(p: float, alpha: float = 0.05) -> str:
    """``"p = 0.048, significant at 0.05"`` or ``"p = 0.44, not significant"``."""
    shown = f"p = {p:.3f}" if p >= 0.001 else "p < 0.001"
    if p < alpha:
        return _("{shown}, significant at {alpha}").format(shown=shown, alpha=alpha)
    return _("{shown}, not significant").format(shown=shown)
