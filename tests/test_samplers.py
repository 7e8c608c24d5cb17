"""Tests of unskew.samplers against the sampling probabilities of Kang et al. (ICLR 2020)."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

torch = pytest.importorskip("torch")

from unskew.exceptions import DataError  # noqa: E402
from unskew.samplers import (  # noqa: E402
    ClassBalancedSampler,
    DistributedClassBalancedSampler,
    sampling_probabilities,
)

COUNTS = np.array([200, 60, 20, 5])
LABELS = np.repeat(np.arange(4), COUNTS)
# a shuffled layout, so that a sampler cannot pass by yielding runs of consecutive rows
SHUFFLED = np.random.default_rng(0).permutation(LABELS)


def power_law(counts, q):
    """p_j = n_j**q / sum_k n_k**q, the formula of the paper."""
    raw = np.asarray(counts, dtype=float) ** q
    return raw / raw.sum()


@pytest.mark.parametrize(("mode", "q"), [("instance", 1.0), ("class-balanced", 0.0), ("sqrt", 0.5)],
                         ids=["instance", "class-balanced", "sqrt"])
def test_sampling_probabilities_power_law(mode, q):
    """Check that each fixed mode gives p_j proportional to n_j ** q."""
    np.testing.assert_allclose(sampling_probabilities(COUNTS, mode), power_law(COUNTS, q))


@pytest.mark.parametrize("epoch", [0, 3, 10, 25], ids=["t0", "t3", "tT", "past-T"])
def test_sampling_probabilities_progressive_interpolates(epoch):
    """Check that progressive mode is (1 - t/T) p^IB + (t/T) p^CB, held at p^CB after T."""
    t = min(epoch, 10) / 10
    expected = (1 - t) * power_law(COUNTS, 1.0) + t * power_law(COUNTS, 0.0)
    got = sampling_probabilities(COUNTS, "progressive", epoch=epoch, n_epochs=10)
    np.testing.assert_allclose(got, expected)


def test_sampling_probabilities_progressive_endpoints_equal_fixed_modes():
    """Check that progressive mode equals instance sampling at t=0 and class-balanced at t=T."""
    start = sampling_probabilities(COUNTS, "progressive", epoch=0, n_epochs=7)
    end = sampling_probabilities(COUNTS, "progressive", epoch=7, n_epochs=7)
    np.testing.assert_allclose(start, sampling_probabilities(COUNTS, "instance"))
    np.testing.assert_allclose(end, sampling_probabilities(COUNTS, "class-balanced"))


@settings(max_examples=50, deadline=None)
@given(counts=st.lists(st.integers(1, 10_000), min_size=1, max_size=12),
       mode=st.sampled_from(["instance", "class-balanced", "sqrt", "progressive"]),
       epoch=st.integers(0, 30))
def test_sampling_probabilities_is_a_distribution(counts, mode, epoch):
    """Check that the probabilities are a distribution that never favours a smaller class."""
    p = sampling_probabilities(counts, mode, epoch=epoch, n_epochs=20)
    assert p.sum() == pytest.approx(1.0)
    assert (p >= 0).all()
    order = np.argsort(counts, kind="stable")
    assert (np.diff(p[order]) >= -1e-12).all()


@pytest.mark.parametrize("mode", ["instance", "class-balanced", "sqrt"])
def test_class_balanced_sampler_class_frequencies_match_formula(mode):
    """Check that the drawn class frequencies pass a chi-square test against n_j ** q."""
    n_draws = 20_000
    sampler = ClassBalancedSampler(SHUFFLED, mode=mode, num_samples=n_draws, seed=3)
    drawn = np.bincount(SHUFFLED[list(sampler)], minlength=4)
    q = {"instance": 1.0, "class-balanced": 0.0, "sqrt": 0.5}[mode]
    assert chisquare(drawn, n_draws * power_law(COUNTS, q)).pvalue > 1e-3


def test_class_balanced_sampler_rows_uniform_within_class():
    """Check that the rows of one class are drawn equally often."""
    sampler = ClassBalancedSampler(SHUFFLED, num_samples=20_000, seed=4)
    idx = np.array(list(sampler))
    rows_of_2 = np.flatnonzero(SHUFFLED == 2)
    hits = np.array([(idx == r).sum() for r in rows_of_2])
    assert chisquare(hits).pvalue > 1e-3


def test_class_balanced_sampler_progressive_follows_epochs():
    """Check that progressive sampling draws instance-balanced at t=0 and class-balanced at t=T."""
    sampler = ClassBalancedSampler(SHUFFLED, mode="progressive", n_epochs=5,
                                   num_samples=20_000, seed=5)
    for epoch, q in [(0, 1.0), (5, 0.0)]:
        sampler.set_epoch(epoch)
        drawn = np.bincount(SHUFFLED[list(sampler)], minlength=4)
        assert chisquare(drawn, 20_000 * power_law(COUNTS, q)).pvalue > 1e-3


def test_class_balanced_sampler_deterministic_given_seed_and_epoch():
    """Check that seed and epoch fix the indices and a new epoch changes them."""
    a = ClassBalancedSampler(SHUFFLED, seed=11)
    b = ClassBalancedSampler(SHUFFLED, seed=11)
    first_a, second_a = list(a), list(a)  # a pass advances the epoch
    assert first_a == list(b)
    assert first_a != second_a
    b.set_epoch(1)
    assert list(b) == second_a
    assert len(first_a) == len(a) == len(SHUFFLED)


def test_class_balanced_sampler_default_seed_follows_torch_manual_seed():
    """Check that without a seed the sampler is reproducible under torch.manual_seed."""
    torch.manual_seed(0)
    first = list(ClassBalancedSampler(SHUFFLED))
    torch.manual_seed(0)
    assert list(ClassBalancedSampler(SHUFFLED)) == first


def test_class_balanced_sampler_instance_without_replacement_is_permutation():
    """Check that instance mode without replacement yields every row exactly once."""
    sampler = ClassBalancedSampler(SHUFFLED, mode="instance", replacement=False, seed=0)
    idx = list(sampler)
    assert sorted(idx) == list(range(len(SHUFFLED)))
    assert idx != sorted(idx)


def test_class_balanced_sampler_without_replacement_first_draw_follows_formula():
    """Check that without replacement the indices are distinct and the first draw follows p."""
    first = []
    for seed in range(1000):
        idx = list(ClassBalancedSampler(SHUFFLED, num_samples=40, replacement=False, seed=seed))
        assert len(set(idx)) == 40
        first.append(SHUFFLED[idx[0]])
    drawn = np.bincount(first, minlength=4)
    assert chisquare(drawn, 1000 * power_law(COUNTS, 0.0)).pvalue > 1e-3


def test_class_balanced_sampler_accepts_tensor_and_num_classes():
    """Check that tensor labels work and a declared empty class is never drawn in sqrt mode."""
    y = torch.tensor([0, 0, 2, 2, 2])
    sampler = ClassBalancedSampler(y, mode="sqrt", num_classes=3, num_samples=500, seed=0)
    np.testing.assert_allclose(sampler.class_probabilities(),
                               [np.sqrt(2) / (np.sqrt(2) + np.sqrt(3)), 0.0,
                                np.sqrt(3) / (np.sqrt(2) + np.sqrt(3))])
    assert set(y[list(sampler)].tolist()) == {0, 2}


@pytest.mark.parametrize(("replicas", "drop_last"), [(3, False), (4, False), (3, True)],
                         ids=["pad-3", "even-4", "drop-3"])
def test_distributed_sampler_shards_partition_epoch_list(replicas, drop_last):
    """Check that shards are equal-length, disjoint in position and interleave to the epoch list."""
    y = SHUFFLED[:286]  # 286 = 3 * 95 + 1 = 4 * 71 + 2
    samplers = [DistributedClassBalancedSampler(y, num_replicas=replicas, rank=r, seed=2,
                                                drop_last=drop_last) for r in range(replicas)]
    shards = [list(s) for s in samplers]
    per_rank = len(y) // replicas if drop_last else -(-len(y) // replicas)
    assert [len(s) for s in shards] == [len(s) for s in samplers] == [per_rank] * replicas
    epoch_list = samplers[0].epoch_indices()
    assert len(epoch_list) == per_rank * replicas
    rebuilt = [shards[i % replicas][i // replicas] for i in range(per_rank * replicas)]
    assert rebuilt == epoch_list
    if not drop_last:
        pad = per_rank * replicas - len(y)
        assert epoch_list[len(y):] == epoch_list[:pad]


def test_distributed_sampler_without_replacement_shards_disjoint_rows():
    """Check that instance sampling without replacement gives each row to exactly one rank."""
    shards = [set(DistributedClassBalancedSampler(SHUFFLED[:284], num_replicas=4, rank=r,
                                                  mode="instance", replacement=False))
              for r in range(4)]
    assert sum(len(s) for s in shards) == 284
    assert set().union(*shards) == set(range(284))


def test_distributed_sampler_same_draws_as_single_process_sampler():
    """Check that the global epoch list is the single-process draw for seed + epoch."""
    dist = DistributedClassBalancedSampler(SHUFFLED, num_replicas=1, rank=0, seed=9)
    single = ClassBalancedSampler(SHUFFLED, seed=9)
    dist.set_epoch(2)
    single.set_epoch(2)
    assert dist.epoch_indices() == list(single)


def test_distributed_sampler_set_epoch_changes_draws():
    """Check that every rank draws new indices after set_epoch and repeats them without it."""
    s = DistributedClassBalancedSampler(SHUFFLED, num_replicas=2, rank=1, seed=0)
    first = list(s)
    assert list(s) == first
    s.set_epoch(1)
    assert list(s) != first


@pytest.mark.parametrize(
    ("labels", "kwargs", "error", "match"),
    [
        (np.zeros((3, 2), dtype=int), {}, DataError, r"1-D .* shape \(3, 2\)"),
        ([], {}, DataError, "empty"),
        ([0.0, 1.0], {}, DataError, "integer class ids, got dtype float64"),
        (["a", "b"], {}, DataError, "numpy.unique"),
        ([0, 1], {"mode": "balanced"}, ValueError, "did you mean 'class-balanced'"),
        ([0, 1], {"mode": "progressive"}, ValueError, "needs n_epochs"),
        ([0, 1], {"mode": "progressive", "n_epochs": 0}, ValueError, "n_epochs must be"),
        ([0, 2], {"mode": "progressive", "n_epochs": 3, "num_classes": 3}, DataError,
         r"classes \[1\] have no rows"),
        ([0, 2], {"num_classes": 3}, DataError, r"classes \[1\] have no rows"),
        ([0, 5], {"num_classes": 3}, DataError, r"0 \.\. 2 .* found \[5\]"),
        ([0, 1], {"num_samples": 3, "replacement": False}, ValueError, "num_samples=3 exceeds"),
        ([0, 1], {"num_samples": 0}, ValueError, "num_samples .* positive int"),
        ([0, 1], {"seed": 1.5}, TypeError, "seed .* must be an int"),
    ],
    ids=["2d", "empty", "float", "strings", "bad-mode", "no-n-epochs", "zero-n-epochs",
         "progressive-empty-class", "balanced-empty-class", "out-of-range", "too-many-draws",
         "zero-draws", "float-seed"],
)
def test_class_balanced_sampler_rejects_bad_input(labels, kwargs, error, match):
    """Check that bad labels and parameters raise a specific error."""
    with pytest.raises(error, match=match):
        ClassBalancedSampler(labels, **kwargs)


def test_class_balanced_sampler_rejects_negative_epoch():
    """Check that set_epoch rejects a negative epoch."""
    with pytest.raises(ValueError, match="epoch must be an int >= 0, got -1"):
        ClassBalancedSampler([0, 1]).set_epoch(-1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, RuntimeError, "needs num_replicas and rank"),
        ({"num_replicas": 2, "rank": 2}, ValueError, r"rank .* 0 \.\. 1 .* got 2"),
        ({"num_replicas": 0, "rank": 0}, ValueError, "num_replicas .* >= 1"),
        ({"num_replicas": 2.0, "rank": 0}, TypeError, "num_replicas .* int"),
        ({"num_replicas": 5, "rank": 0, "drop_last": True}, ValueError, "leaves no rows"),
    ],
    ids=["no-process-group", "rank-too-big", "zero-replicas", "float-replicas", "drop-all"],
)
def test_distributed_sampler_rejects_bad_input(kwargs, error, match):
    """Check that bad replica settings raise a specific error."""
    with pytest.raises(error, match=match):
        DistributedClassBalancedSampler([0, 0, 1], **kwargs)


@pytest.mark.parametrize("package", ["unskew.samplers", "unskew.nn"])
def test_torch_packages_name_the_extra_without_torch(package):
    """Check that importing a torch-side package without torch says which extra to install."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        f"try:\n    import {package}\nexcept ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert f'{package} needs torch, which is not installed: pip install "unskew[torch]"' in out


def test_import_unskew_does_not_import_torch():
    """Check that importing unskew and its weights never pulls in torch."""
    code = "import sys, unskew; unskew.weights.class_counts([0, 1]); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
