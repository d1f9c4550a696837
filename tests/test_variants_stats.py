"""The exact tests and intervals notebook 4 states its comparisons with."""
import itertools
import math

import numpy as np
import pytest

from helpers.variants import stats


def _fisher_by_enumeration(k1, n1, k2, n2):
    """Every way to hand out the k1 + k2 successes among n1 + n2 runs, counted by brute force."""
    runs = n1 + n2
    tables = {}
    for chosen in itertools.combinations(range(runs), k1 + k2):
        k = sum(1 for i in chosen if i < n1)
        tables[k] = tables.get(k, 0) + 1
    total = sum(tables.values())
    probs = {k: c / total for k, c in tables.items()}
    return sum(p for p in probs.values() if p <= probs[k1] + 1e-12), \
        sum(p for k, p in probs.items() if k >= k1)


def test_fisher_exact_matches_the_published_example_and_brute_force():
    # "2 of 3 against 0 of 3": p = 0.2 one-sided, 0.4 two-sided
    result = stats.fisher_exact(2, 3, 0, 3)
    assert result["greater"] == pytest.approx(0.2) and result["two_sided"] == pytest.approx(0.4)
    assert stats.fisher_exact(5, 5, 0, 5)["two_sided"] == pytest.approx(2 / 252)
    for k1, n1, k2, n2 in [(4, 5, 1, 5), (3, 5, 3, 5), (0, 5, 5, 5), (2, 4, 1, 6), (5, 5, 5, 5)]:
        two, greater = _fisher_by_enumeration(k1, n1, k2, n2)
        result = stats.fisher_exact(k1, n1, k2, n2)
        assert result["two_sided"] == pytest.approx(two) and result["greater"] == pytest.approx(greater)
        assert stats.fisher_exact(k2, n2, k1, n1)["two_sided"] == pytest.approx(two)  # symmetric


def test_fisher_exact_names_bad_counts():
    with pytest.raises(ValueError, match="group 2: need integers 0 <= k <= n"):
        stats.fisher_exact(1, 5, 6, 5)


def test_binomial_interval_is_the_exact_one():
    low, high = stats.binomial_interval(0, 5)
    assert low == 0.0 and high == pytest.approx(1 - 0.025 ** (1 / 5), abs=1e-9)
    low, high = stats.binomial_interval(5, 5)
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / 5), abs=1e-9)
    low, high = stats.binomial_interval(2, 5)
    # at the ends of the interval the tail probabilities are 2.5 % each
    assert sum(math.comb(5, j) * low ** j * (1 - low) ** (5 - j) for j in (2, 3, 4, 5)) \
        == pytest.approx(0.025, abs=1e-9)
    assert sum(math.comb(5, j) * high ** j * (1 - high) ** (5 - j) for j in (0, 1, 2)) \
        == pytest.approx(0.025, abs=1e-9)
    with pytest.raises(ValueError, match="need 0 <= k <= n"):
        stats.binomial_interval(6, 5)


def test_permutation_test():
    assert stats.permutation_test([1, 2, 3], [4, 5, 6]) == pytest.approx(2 / 20)  # fully apart
    assert stats.permutation_test([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) == pytest.approx(2 / 252)
    assert stats.permutation_test([1, 3, 5], [2, 4, 6]) > 0.5                    # interleaved
    with pytest.raises(ValueError, match="need two non-empty 1-D groups"):
        stats.permutation_test([], [1.0])


def test_rank_sum_test_uses_only_the_order():
    # fully apart: as small as the permutation test of the values gets
    assert stats.rank_sum_test([6, 5, 6, 6, 7], [14, 18, 16, 10, 11]) == pytest.approx(2 / 252)
    # a far outlier moves a test of means, not a test of ranks
    assert stats.rank_sum_test([1, 2, 3, 4, 1000], [5, 6, 7, 8, 9]) == \
        stats.rank_sum_test([1, 2, 3, 4, 10], [5, 6, 7, 8, 9])
    assert stats.permutation_test([1, 2, 3, 4, 1000], [5, 6, 7, 8, 9]) != \
        stats.permutation_test([1, 2, 3, 4, 10], [5, 6, 7, 8, 9])
    np.testing.assert_array_equal(stats.midranks([5, 1, 5, 3]), [3.5, 1, 3.5, 2])   # ties share
    # by enumeration: with ties, the share of splits whose rank sum is as extreme
    a, b = [1, 2, 2], [2, 3, 4]
    ranks = stats.midranks(a + b)
    observed = abs(ranks[:3].mean() - ranks[3:].mean())
    splits = list(itertools.combinations(range(6), 3))
    extreme = sum(abs(ranks[list(c)].mean() - np.delete(ranks, list(c)).mean()) >= observed - 1e-12
                  for c in splits)
    assert stats.rank_sum_test(a, b) == pytest.approx(extreme / len(splits))


def test_t_quantiles_match_the_tables():
    # Student's t, two-sided 95 %: 12.706 (1 df), 4.303 (2), 2.776 (4), 2.228 (10), 1.960 (normal)
    for df, want in ((1, 12.706), (2, 4.303), (4, 2.776), (10, 2.228), (10_000, 1.960)):
        assert stats.t_quantile(0.975, df) == pytest.approx(want, abs=2e-3)
    with pytest.raises(ValueError, match="0.5 <= q < 1"):
        stats.t_quantile(0.2, 3)


def test_welch_interval():
    a, b = [10.0, 10.2, 9.9, 10.1, 10.0], [9.0, 9.1, 8.9, 9.0, 9.2]
    low, high = stats.welch_interval(a, b)
    diff = np.mean(a) - np.mean(b)
    assert low < diff < high and high - diff == pytest.approx(diff - low)
    # equal variances and sizes: the half-width is t(df) * sqrt(s_a^2/n + s_b^2/n), df = 2n - 2
    a, b = [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]
    low, high = stats.welch_interval(a, b)
    assert high - low == pytest.approx(2 * 2.776 * math.sqrt(2 / 3), abs=1e-2)
    # three seeds each, fully apart: the interval is far wider than the spread of the values
    low, high = stats.welch_interval([4.299, 4.298, 4.300], [4.345, 4.343, 4.331])
    assert low < -0.04 < high < -0.02
    with pytest.raises(ValueError, match="at least 2 values per group"):
        stats.welch_interval([1.0], [2.0, 3.0])


def test_describe_p():
    assert stats.describe_p(0.2) == "p = 0.200, not significant"
    assert stats.describe_p(0.0079) == "p = 0.008, significant at 0.05"
    assert stats.describe_p(1e-5) == "p < 0.001, significant at 0.05"
