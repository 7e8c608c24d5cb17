"""Tests of unskew.losses: neutral settings, reference formulas, kornia, gradients, errors.

Every reference below is a float64 transcription of the paper's formula, written here with
numpy loops, independent of the implementation under test.
"""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from unskew.exceptions import DataError, MissingExtraError

torch = pytest.importorskip("torch", reason="unskew.losses needs the torch extra")
import torch.nn.functional as F  # noqa: E402

from unskew.losses import (  # noqa: E402
    LOSSES,
    AdaptiveFocalLoss,
    AsymmetricLoss,
    BalancedSoftmaxLoss,
    BinaryFocalLoss,
    ClassBalancedLoss,
    CrossEntropyLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    NormedLinear,
    adaptive_focal_loss,
    asymmetric_loss,
    balanced_softmax_loss,
    binary_focal_loss_with_logits,
    class_balanced_loss,
    class_balanced_weights,
    drw_weights,
    focal_loss,
    get_loss,
    ldam_loss,
    ldam_margins,
    logit_adjusted_loss,
)

N, C = 12, 4
COUNTS = [500, 120, 30, 6]
PRIORS = [n / sum(COUNTS) for n in COUNTS]
MARGINS = [0.1, 0.2, 0.3, 0.5]
WEIGHT = [0.5, 1.0, 2.0, 4.0]
# imbalanced like the data the losses are for (and so a weighted mean differs from a plain one)
TARGET = torch.tensor([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 0])


def _data(dtype=torch.float64, seed=0, scale=2.0):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(N, C, generator=gen, dtype=dtype) * scale
    return logits, TARGET.clone()


def _multilabel(dtype=torch.float64, seed=1):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(N, C, generator=gen, dtype=dtype) * 2
    targets = (torch.rand(N, C, generator=gen) < 0.3).to(dtype)
    return logits, targets


# ---- float64 references from the papers' formulas -------------------------------------------

def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def ref_focal(z, y, *, gamma, alpha=None, weight=None):
    """Lin et al.: -alpha_y (1 - p_y)^gamma log p_y; torch's weighted mean when weight is given."""
    losses, denom = [], 0.0
    for zi, yi in zip(z, y, strict=True):
        p = _softmax(zi)[yi]
        g = gamma[yi] if np.ndim(gamma) else gamma
        a = 1.0 if alpha is None else alpha[yi]
        w = 1.0 if weight is None else weight[yi]
        losses.append(-a * w * (1 - p) ** g * np.log(p))
        denom += w
    return np.array(losses), sum(losses) / denom


def ref_binary_focal(x, t, *, alpha, gamma, pos_weight=1.0):
    p = _sigmoid(x)
    a_pos = 1.0 if alpha is None else alpha
    a_neg = 1.0 if alpha is None else 1 - alpha
    return (-a_pos * pos_weight * t * (1 - p) ** gamma * np.log(p)
            - a_neg * (1 - t) * p**gamma * np.log(1 - p))


def ref_cb_weights(counts, beta):
    """Cui et al.: (1 - beta) / (1 - beta^n), normalised to sum to C."""
    w = np.array([(1 - beta) / (1 - beta**n) for n in counts])
    return w * len(counts) / w.sum()


def ref_class_balanced(z, y, counts, *, beta, base, gamma):
    w = ref_cb_weights(counts, beta)
    losses = []
    for zi, yi in zip(z, y, strict=True):
        if base == "ce":
            loss = -np.log(_softmax(zi)[yi])
        else:
            loss = 0.0
            for c, zc in enumerate(zi):
                pt = _sigmoid(zc) if c == yi else 1 - _sigmoid(zc)
                mod = (1 - pt) ** gamma if base == "focal" else 1.0
                loss += -mod * np.log(pt)
        losses.append(w[yi] * loss)
    return np.array(losses), np.mean(losses)


def ref_ldam(z, y, margins, *, s, weight=None):
    """Cao et al.: softmax CE of s * (z - Delta_y e_y); torch's weighted mean."""
    losses, denom = [], 0.0
    for zi, yi in zip(z, y, strict=True):
        zm = zi.copy()
        zm[yi] -= margins[yi]
        w = 1.0 if weight is None else weight[yi]
        losses.append(-w * np.log(_softmax(s * zm)[yi]))
        denom += w
    return np.array(losses), sum(losses) / denom


def ref_logit_adjusted(z, y, priors, *, tau):
    """Menon et al.: -log(exp(z_y + tau log pi_y) / sum_j exp(z_j + tau log pi_j))."""
    losses = []
    for zi, yi in zip(z, y, strict=True):
        num = np.exp(zi[yi]) * priors[yi] ** tau
        den = sum(np.exp(zj) * pj**tau for zj, pj in zip(zi, priors, strict=True))
        losses.append(-np.log(num / den))
    return np.array(losses), np.mean(losses)


def ref_balanced_softmax(z, y, counts):
    """Ren et al.: -log(n_y exp(z_y) / sum_j n_j exp(z_j))."""
    losses = []
    for zi, yi in zip(z, y, strict=True):
        den = sum(n * np.exp(zj) for zj, n in zip(zi, counts, strict=True))
        losses.append(-np.log(counts[yi] * np.exp(zi[yi]) / den))
    return np.array(losses), np.mean(losses)


def ref_asymmetric(x, y, *, gamma_pos, gamma_neg, clip, eps):
    """Ridnik et al.: -y (1-p)^g+ log p - (1-y) p_m^g- log(1 - p_m), p_m = max(p - m, 0)."""
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        p = _sigmoid(x[idx])
        if y[idx] == 1:
            out[idx] = -((1 - p) ** gamma_pos) * np.log(max(p, eps))
        else:
            pm = max(p - clip, 0.0)
            out[idx] = -(pm**gamma_neg) * np.log(max(1 - pm, eps))
    return out


def ref_adaptive(z, y, *, thresholds, gammas):
    """Mukhoti et al. FLSD: gamma from the band of p_y, then the focal loss."""
    losses = []
    for zi, yi in zip(z, y, strict=True):
        p = _softmax(zi)[yi]
        g = gammas[sum(p >= t for t in thresholds)]
        losses.append(-((1 - p) ** g) * np.log(p))
    return np.array(losses), np.mean(losses)


# ---- one table of cases: softmax losses take (logits, target); sigmoid ones (logits, 0/1) ----

SOFTMAX_CASES = {
    "focal": lambda z, y, **kw: focal_loss(z, y, gamma=2.0, alpha=[0.25, 0.5, 0.75, 1.0], **kw),
    "focal-weight": lambda z, y, **kw: focal_loss(z, y, gamma=1.5, weight=WEIGHT, **kw),
    "focal-class-gamma": lambda z, y, **kw: focal_loss(z, y, gamma=[0.5, 1.0, 2.0, 3.0], **kw),
    "class-balanced-ce": lambda z, y, **kw: class_balanced_loss(z, y, COUNTS, base="ce", **kw),
    "class-balanced-sigmoid": lambda z, y, **kw: class_balanced_loss(
        z, y, COUNTS, base="sigmoid", **kw),
    "class-balanced-focal": lambda z, y, **kw: class_balanced_loss(
        z, y, COUNTS, base="focal", gamma=0.5, **kw),
    "ldam": lambda z, y, **kw: ldam_loss(z, y, MARGINS, s=5.0, weight=WEIGHT, **kw),
    "logit-adjusted": lambda z, y, **kw: logit_adjusted_loss(z, y, PRIORS, tau=1.0, **kw),
    "balanced-softmax": lambda z, y, **kw: balanced_softmax_loss(z, y, COUNTS, **kw),
    "adaptive-focal": lambda z, y, **kw: adaptive_focal_loss(z, y, **kw),
}
SIGMOID_CASES = {
    "binary-focal": lambda z, t, **kw: binary_focal_loss_with_logits(z, t, pos_weight=2.0, **kw),
    "binary-focal-no-alpha": lambda z, t, **kw: binary_focal_loss_with_logits(
        z, t, alpha=None, gamma=0.5, **kw),
    "asymmetric": lambda z, t, **kw: asymmetric_loss(z, t, **kw),
    "asymmetric-no-clip": lambda z, t, **kw: asymmetric_loss(z, t, clip=0.0, eps=0.0, **kw),
}
ALL_CASES = [("softmax", name) for name in SOFTMAX_CASES] + [("sigmoid", n) for n in SIGMOID_CASES]


def _call(kind, name, logits, *, reduction="mean", seed=0):
    if kind == "softmax":
        return SOFTMAX_CASES[name](logits, TARGET, reduction=reduction)
    targets = _multilabel(seed=seed)[1].to(logits.dtype)
    return SIGMOID_CASES[name](logits, targets, reduction=reduction)


# ---- neutral settings equal plain CE / BCE --------------------------------------------------

NEUTRAL_CE = {
    "focal gamma=0": lambda z, y: focal_loss(z, y, gamma=0.0),
    "adaptive-focal gammas=0": lambda z, y: adaptive_focal_loss(z, y, gammas=(0.0, 0.0)),
    "class-balanced beta=0": lambda z, y: class_balanced_loss(z, y, COUNTS, beta=0.0),
    "ldam margins=0 s=1": lambda z, y: ldam_loss(z, y, [0.0] * C, s=1.0),
    "logit-adjusted tau=0": lambda z, y: logit_adjusted_loss(z, y, PRIORS, tau=0.0),
    "balanced-softmax equal counts": lambda z, y: balanced_softmax_loss(z, y, [7] * C),
    "get_loss ce": lambda z, y: get_loss("ce")(z, y),
}


@pytest.mark.parametrize("name", list(NEUTRAL_CE))
def test_losses_neutral_setting_equals_cross_entropy(name):
    """Check that each softmax loss at its neutral setting equals F.cross_entropy."""
    logits, target = _data()
    expected = F.cross_entropy(logits, target)
    torch.testing.assert_close(NEUTRAL_CE[name](logits, target), expected)


def test_losses_neutral_weighted_equals_weighted_cross_entropy():
    """Check that a per-class weight gives torch's weighted mean at the neutral settings."""
    logits, target = _data()
    w = torch.tensor(WEIGHT, dtype=torch.float64)
    expected = F.cross_entropy(logits, target, weight=w)
    for got in (focal_loss(logits, target, gamma=0.0, weight=w),
                ldam_loss(logits, target, [0.0] * C, s=1.0, weight=WEIGHT),
                logit_adjusted_loss(logits, target, PRIORS, tau=0.0, weight=w),
                CrossEntropyLoss(weight=WEIGHT).double()(logits, target)):
        torch.testing.assert_close(got, expected)


def test_losses_neutral_sigmoid_equals_bce():
    """Check that binary focal (gamma=0, alpha=None) and ASL (all 0) equal BCE with logits."""
    logits, targets = _multilabel()
    pw = torch.tensor([1.0, 2.0, 0.5, 3.0], dtype=torch.float64)
    torch.testing.assert_close(
        binary_focal_loss_with_logits(logits, targets, alpha=None, gamma=0.0, pos_weight=pw),
        F.binary_cross_entropy_with_logits(logits, targets, pos_weight=pw))
    torch.testing.assert_close(
        asymmetric_loss(logits, targets, gamma_pos=0, gamma_neg=0, clip=0, eps=0),
        F.binary_cross_entropy_with_logits(logits, targets))


def test_class_balanced_loss_sigmoid_beta_zero_equals_bce_summed_over_classes():
    """Check that the sigmoid base at beta=0 is the one-vs-rest BCE summed over classes."""
    logits, target = _data()
    expected = F.binary_cross_entropy_with_logits(
        logits, F.one_hot(target, C).double(), reduction="none").sum(1)
    got = class_balanced_loss(logits, target, COUNTS, beta=0.0, base="sigmoid", reduction="none")
    torch.testing.assert_close(got, expected)


# ---- equality with the float64 paper formulas ------------------------------------------------

def test_focal_loss_matches_paper_formula():
    """Check focal_loss against -alpha_y (1-p_y)^gamma log p_y, with and without weight."""
    logits, target = _data()
    z, y = logits.numpy(), target.numpy()
    alpha = [0.25, 0.5, 0.75, 1.0]
    rows, mean = ref_focal(z, y, gamma=2.0, alpha=alpha)
    np.testing.assert_allclose(focal_loss(logits, target, alpha=alpha, reduction="none"), rows)
    np.testing.assert_allclose(focal_loss(logits, target, alpha=alpha).item(), mean)
    _, wmean = ref_focal(z, y, gamma=1.5, weight=WEIGHT)
    np.testing.assert_allclose(focal_loss(logits, target, gamma=1.5, weight=WEIGHT).item(), wmean)
    gammas = [0.5, 1.0, 2.0, 3.0]
    rows, _ = ref_focal(z, y, gamma=np.array(gammas))
    np.testing.assert_allclose(focal_loss(logits, target, gamma=gammas, reduction="none"), rows)


@pytest.mark.parametrize("n_classes", [2, 16, 17, 40])
def test_focal_loss_matches_formula_for_few_and_many_classes(n_classes):
    """Check both log-probability code paths (log-sum-exp for few classes, log_softmax above)."""
    gen = torch.Generator().manual_seed(3)
    logits = torch.randn(30, n_classes, generator=gen, dtype=torch.float64) * 3
    target = torch.randint(n_classes, (30,), generator=gen)
    rows, _ = ref_focal(logits.numpy(), target.numpy(), gamma=2.0)
    np.testing.assert_allclose(focal_loss(logits, target, reduction="none"), rows)
    torch.testing.assert_close(focal_loss(logits, target, gamma=0.0),
                               F.cross_entropy(logits, target))
    assert torch.autograd.gradcheck(lambda z: focal_loss(z, target),
                                    (logits.requires_grad_(True),))


def test_focal_loss_scalar_alpha_scales_every_term():
    """Check that a float alpha multiplies the loss of every row."""
    logits, target = _data()
    torch.testing.assert_close(focal_loss(logits, target, alpha=0.25),
                               0.25 * focal_loss(logits, target))


@pytest.mark.parametrize("alpha", [0.25, None])
def test_binary_focal_loss_matches_paper_formula(alpha):
    """Check binary focal against the RetinaNet formula, 1-D and multi-label inputs."""
    logits, targets = _multilabel()
    ref = ref_binary_focal(logits.numpy(), targets.numpy(), alpha=alpha, gamma=2.0,
                           pos_weight=np.array([1.0, 2.0, 0.5, 3.0]))
    got = binary_focal_loss_with_logits(logits, targets, alpha=alpha,
                                        pos_weight=[1.0, 2.0, 0.5, 3.0], reduction="none")
    np.testing.assert_allclose(got, ref)
    got1d = binary_focal_loss_with_logits(logits[:, 0], targets[:, 0], alpha=alpha, reduction="sum")
    ref1d = ref_binary_focal(logits[:, 0].numpy(), targets[:, 0].numpy(), alpha=alpha, gamma=2.0)
    np.testing.assert_allclose(got1d.item(), ref1d.sum())


@pytest.mark.parametrize("beta", [0.9, 0.99, 0.999, 0.9999])
@pytest.mark.parametrize("base", ["ce", "sigmoid", "focal"])
def test_class_balanced_loss_matches_paper_formula(beta, base):
    """Check the class-balanced loss for the paper's betas and the three bases."""
    logits, target = _data()
    rows, mean = ref_class_balanced(logits.numpy(), target.numpy(), COUNTS, beta=beta, base=base,
                                    gamma=2.0)
    got = class_balanced_loss(logits, target, COUNTS, beta=beta, base=base, reduction="none")
    np.testing.assert_allclose(got, rows)
    np.testing.assert_allclose(class_balanced_loss(logits, target, COUNTS, beta=beta,
                                                   base=base).item(), mean)


@pytest.mark.parametrize("beta", [0.9, 0.99, 0.999, 0.9999])
def test_class_balanced_weights_sum_to_n_classes(beta):
    """Check that the weights are the effective-number ones rescaled to sum to C."""
    w = class_balanced_weights(COUNTS, beta)
    assert w.dtype == torch.float32
    np.testing.assert_allclose(w.numpy(), ref_cb_weights(COUNTS, beta), rtol=1e-6)
    assert w.sum().item() == pytest.approx(C)


def test_ldam_loss_matches_paper_formula():
    """Check LDAM against softmax CE of s * (z - Delta_y e_y), weighted like torch."""
    logits, target = _data(scale=0.5)
    rows, mean = ref_ldam(logits.numpy(), target.numpy(), MARGINS, s=30.0, weight=WEIGHT)
    np.testing.assert_allclose(
        ldam_loss(logits, target, MARGINS, weight=WEIGHT, reduction="none"), rows)
    np.testing.assert_allclose(ldam_loss(logits, target, MARGINS, weight=WEIGHT).item(), mean)


def test_ldam_margins_reference_defaults():
    """Check margins proportional to n^-1/4 with the rarest at 0.5, and LDAMLoss's s=30."""
    margins = ldam_margins(COUNTS)
    expected = np.array(COUNTS, dtype=float) ** -0.25
    np.testing.assert_allclose(margins.numpy(), expected * 0.5 / expected.max(), rtol=1e-6)
    assert margins.max().item() == pytest.approx(0.5)
    loss = LDAMLoss(COUNTS)
    assert (loss.s, loss.max_margin) == (30.0, 0.5)
    torch.testing.assert_close(loss.margins, margins)


def test_drw_weights_switch_at_80_percent_with_beta_9999():
    """Check DRW: None before epoch 160 of 200, then effective-number (0.9999) weights summing to C."""
    assert drw_weights(COUNTS, 159, 200) is None
    w = drw_weights(COUNTS, 160, 200)
    np.testing.assert_allclose(w.numpy(), ref_cb_weights(COUNTS, 0.9999), rtol=1e-6)
    assert w.sum().item() == pytest.approx(C)
    assert drw_weights(COUNTS, 0, 10, start=0.0) is not None
    assert drw_weights(COUNTS, 9, 10, start=1.0) is None


def test_ldam_loss_set_weight_follows_drw_schedule():
    """Check that set_weight installs the DRW weight and the loss then equals the weighted one."""
    logits, target = _data(dtype=torch.float32, scale=0.5)
    criterion = LDAMLoss(COUNTS)
    criterion.set_weight(drw_weights(COUNTS, 9, 10))
    expected = ldam_loss(logits, target, ldam_margins(COUNTS), weight=drw_weights(COUNTS, 9, 10))
    torch.testing.assert_close(criterion(logits, target), expected)
    criterion.set_weight(None)
    assert criterion.weight is None
    torch.testing.assert_close(criterion(logits, target),
                               ldam_loss(logits, target, ldam_margins(COUNTS)))


@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
def test_logit_adjusted_loss_matches_paper_formula(tau):
    """Check logit adjustment against -log softmax(z + tau log pi)_y."""
    logits, target = _data()
    rows, mean = ref_logit_adjusted(logits.numpy(), target.numpy(), PRIORS, tau=tau)
    np.testing.assert_allclose(
        logit_adjusted_loss(logits, target, PRIORS, tau=tau, reduction="none"), rows)
    np.testing.assert_allclose(logit_adjusted_loss(logits, target, PRIORS, tau=tau).item(), mean)


def test_logit_adjusted_loss_module_default_tau_is_one_and_priors_from_counts():
    """Check LogitAdjustedLoss's tau=1 and priors counts / sum."""
    criterion = LogitAdjustedLoss(COUNTS)
    assert criterion.tau == 1.0
    np.testing.assert_allclose(criterion.class_priors.numpy(), PRIORS, rtol=1e-6)


def test_balanced_softmax_loss_matches_paper_formula():
    """Check balanced softmax against -log(n_y e^z_y / sum n_j e^z_j) and LA with tau=1."""
    logits, target = _data()
    rows, _ = ref_balanced_softmax(logits.numpy(), target.numpy(), COUNTS)
    np.testing.assert_allclose(balanced_softmax_loss(logits, target, COUNTS, reduction="none"), rows)
    torch.testing.assert_close(balanced_softmax_loss(logits, target, COUNTS),
                               logit_adjusted_loss(logits, target, PRIORS, tau=1.0))


@pytest.mark.parametrize(("gamma_pos", "gamma_neg", "clip"), [(1.0, 4.0, 0.05), (0.0, 2.0, 0.2),
                                                              (2.0, 2.0, 0.0)])
def test_asymmetric_loss_matches_paper_formula(gamma_pos, gamma_neg, clip):
    """Check ASL against the paper's formula with the reference code's eps floor."""
    logits, targets = _multilabel()
    logits[0, 0] = -30.0  # a positive below eps: floored, as in the reference code
    targets[0, 0] = 1.0
    ref = ref_asymmetric(logits.numpy(), targets.numpy(), gamma_pos=gamma_pos,
                         gamma_neg=gamma_neg, clip=clip, eps=1e-8)
    got = asymmetric_loss(logits, targets, gamma_pos=gamma_pos, gamma_neg=gamma_neg, clip=clip,
                          reduction="none")
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-14)


def test_asymmetric_loss_reference_defaults():
    """Check the defaults gamma_neg=4, gamma_pos=1, clip=0.05, eps=1e-8 of the reference code."""
    loss = AsymmetricLoss()
    assert (loss.gamma_neg, loss.gamma_pos, loss.clip, loss.eps) == (4.0, 1.0, 0.05, 1e-8)
    logits, targets = _multilabel()
    ref = ref_asymmetric(logits.numpy(), targets.numpy(), gamma_pos=1, gamma_neg=4, clip=0.05,
                         eps=1e-8)
    np.testing.assert_allclose(asymmetric_loss(logits, targets, reduction="sum").item(), ref.sum())


@pytest.mark.parametrize(("thresholds", "gammas"), [((0.2,), (5.0, 3.0)),
                                                    ((0.2, 0.5), (5.0, 3.0, 1.0))])
def test_adaptive_focal_loss_matches_flsd(thresholds, gammas):
    """Check the adaptive focal loss picks gamma from p_y's band (FLSD-53 by default)."""
    logits, target = _data(scale=3.0)
    rows, mean = ref_adaptive(logits.numpy(), target.numpy(), thresholds=thresholds, gammas=gammas)
    got = adaptive_focal_loss(logits, target, thresholds=thresholds, gammas=gammas,
                              reduction="none")
    np.testing.assert_allclose(got, rows)
    np.testing.assert_allclose(adaptive_focal_loss(logits, target, thresholds=thresholds,
                                                   gammas=gammas).item(), mean)
    p = torch.softmax(logits, 1)[torch.arange(N), target]
    assert (p < thresholds[0]).any()
    assert (p >= thresholds[0]).any()


def test_adaptive_focal_loss_band_boundary_belongs_to_upper_band():
    """Check that p_y exactly at a threshold takes the upper band's gamma (p in [0.2, 1] -> 3)."""
    logits, target = torch.zeros(1, 4, dtype=torch.float64), torch.tensor([0])  # p_y = 0.25
    got = adaptive_focal_loss(logits, target, thresholds=(0.25,), gammas=(5.0, 3.0))
    torch.testing.assert_close(got, focal_loss(logits, target, gamma=3.0))


# ---- kornia's focal loss ---------------------------------------------------------------------

def test_focal_loss_matches_kornia():
    """Check our focal loss equals kornia's, mapping its class-0 alpha and its mean over N*C."""
    import kornia.losses as kornia_losses  # the dev extra installs kornia: a peer, never skipped
    logits, target = _data()
    a = 0.25
    ours_alpha = [1 - a] + [a] * (C - 1)
    ref_none = kornia_losses.focal_loss(logits, target, alpha=a, gamma=2.0, reduction="none")
    torch.testing.assert_close(focal_loss(logits, target, alpha=ours_alpha, reduction="none"),
                               ref_none.sum(1))
    torch.testing.assert_close(focal_loss(logits, target, alpha=ours_alpha, reduction="sum"),
                               kornia_losses.focal_loss(logits, target, alpha=a, reduction="sum"))
    torch.testing.assert_close(focal_loss(logits, target, alpha=ours_alpha),
                               C * kornia_losses.focal_loss(logits, target, alpha=a,
                                                            reduction="mean"))
    torch.testing.assert_close(focal_loss(logits, target, alpha=None, gamma=0.5, reduction="sum"),
                               kornia_losses.focal_loss(logits, target, alpha=None, gamma=0.5,
                                                        reduction="sum"))


def test_binary_focal_loss_matches_kornia():
    """Check our sigmoid focal loss equals kornia's (same alpha convention, mean over entries)."""
    import kornia.losses as kornia_losses  # the dev extra installs kornia: a peer, never skipped
    logits, targets = _multilabel()
    for alpha in (0.25, 0.8):
        torch.testing.assert_close(
            binary_focal_loss_with_logits(logits, targets, alpha=alpha, gamma=2.0),
            kornia_losses.binary_focal_loss_with_logits(logits, targets, alpha=alpha, gamma=2.0,
                                                        reduction="mean"))


# ---- generic properties of every loss --------------------------------------------------------

@pytest.mark.parametrize(("kind", "name"), ALL_CASES, ids=[n for _, n in ALL_CASES])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_losses_output_shape_per_reduction(kind, name, reduction):
    """Check the shape of each loss's output for each reduction, and sum = rows summed."""
    logits = _data()[0]
    out = _call(kind, name, logits, reduction=reduction)
    expected_shape = (() if reduction != "none" else (N,) if kind == "softmax" else (N, C))
    assert tuple(out.shape) == expected_shape
    if reduction == "sum":
        torch.testing.assert_close(out, _call(kind, name, logits, reduction="none").sum())


@pytest.mark.parametrize(("kind", "name"), ALL_CASES, ids=[n for _, n in ALL_CASES])
def test_losses_gradcheck(kind, name):
    """Check analytic gradients against finite differences in float64."""
    logits = _data()[0].requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z: _call(kind, name, z), (logits,))


@pytest.mark.parametrize(("kind", "name"), ALL_CASES, ids=[n for _, n in ALL_CASES])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_losses_extreme_logits_stay_finite(kind, name, dtype):
    """Check that logits of +-100 give a finite loss and finite gradients."""
    logits = (torch.sign(_data(dtype=dtype)[0]) * 100).requires_grad_(True)
    loss = _call(kind, name, logits)
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize(("kind", "name"), ALL_CASES, ids=[n for _, n in ALL_CASES])
def test_losses_gradients_flow_to_logits(kind, name):
    """Check that each loss passes a non-zero gradient back to the logits."""
    logits = _data(dtype=torch.float32)[0].requires_grad_(True)
    _call(kind, name, logits).backward()
    assert logits.grad is not None
    assert logits.grad.abs().sum() > 0


MODULE_PAIRS = {
    "focal": (FocalLoss(alpha=[0.2, 0.4, 0.6, 0.8], gamma=1.5, weight=WEIGHT),
              lambda z, y, **kw: focal_loss(z, y, alpha=[0.2, 0.4, 0.6, 0.8], gamma=1.5,
                                            weight=WEIGHT, **kw)),
    "focal-class-gamma": (FocalLoss(gamma=[0.0, 1.0, 2.0, 3.0], alpha=0.5),
                          lambda z, y, **kw: focal_loss(z, y, gamma=[0.0, 1.0, 2.0, 3.0],
                                                        alpha=0.5, **kw)),
    "adaptive-focal": (AdaptiveFocalLoss(thresholds=[0.3], gammas=[4.0, 1.0]),
                       lambda z, y, **kw: adaptive_focal_loss(z, y, thresholds=[0.3],
                                                              gammas=[4.0, 1.0], **kw)),
    "class-balanced": (ClassBalancedLoss(COUNTS, beta=0.99, base="focal", gamma=1.0),
                       lambda z, y, **kw: class_balanced_loss(z, y, COUNTS, beta=0.99,
                                                              base="focal", gamma=1.0, **kw)),
    "ldam": (LDAMLoss(COUNTS, max_margin=0.4, s=10.0, weight=WEIGHT),
             lambda z, y, **kw: ldam_loss(z, y, ldam_margins(COUNTS, 0.4), s=10.0, weight=WEIGHT,
                                          **kw)),
    "logit-adjusted": (LogitAdjustedLoss(COUNTS, tau=1.5),
                       lambda z, y, **kw: logit_adjusted_loss(z, y, PRIORS, tau=1.5, **kw)),
    "balanced-softmax": (BalancedSoftmaxLoss(COUNTS),
                         lambda z, y, **kw: balanced_softmax_loss(z, y, COUNTS, **kw)),
}


@pytest.mark.parametrize("name", list(MODULE_PAIRS))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_loss_module_equals_function(name, reduction):
    """Check that each module returns what its function returns."""
    module, func = MODULE_PAIRS[name]
    module.reduction = reduction
    try:
        logits, target = _data(dtype=torch.float32)
        torch.testing.assert_close(module(logits, target), func(logits, target,
                                                                reduction=reduction))
    finally:
        module.reduction = "mean"


def test_sigmoid_loss_modules_equal_functions():
    """Check BinaryFocalLoss and AsymmetricLoss against their functions."""
    logits, targets = _multilabel(dtype=torch.float32)
    torch.testing.assert_close(
        BinaryFocalLoss(alpha=0.4, gamma=1.0, pos_weight=[1, 2, 3, 4])(logits, targets),
        binary_focal_loss_with_logits(logits, targets, alpha=0.4, gamma=1.0,
                                      pos_weight=[1, 2, 3, 4]))
    torch.testing.assert_close(
        AsymmetricLoss(gamma_pos=0.5, gamma_neg=3, clip=0.1, reduction="sum")(logits, targets),
        asymmetric_loss(logits, targets, gamma_pos=0.5, gamma_neg=3, clip=0.1, reduction="sum"))


def test_loss_modules_hold_float32_buffers_that_move_with_to():
    """Check that per-class tensors are float32 buffers moved by .to() and set_weight follows."""
    criterion = LDAMLoss(COUNTS, weight=WEIGHT)
    assert {name for name, _ in criterion.named_buffers()} == {"margins", "weight"}
    assert criterion.margins.dtype == criterion.weight.dtype == torch.float32
    criterion.to("meta")
    assert criterion.margins.device.type == "meta"
    criterion.set_weight([1.0, 1.0, 1.0, 1.0])
    assert criterion.weight.device.type == "meta"
    assert criterion.state_dict() == {}


# ---- ignore_index ----------------------------------------------------------------------------

IGNORE_CASES = {
    "focal": lambda z, y, **kw: focal_loss(z, y, alpha=[0.2, 0.4, 0.6, 0.8], **kw),
    "focal-weight": lambda z, y, **kw: focal_loss(z, y, weight=WEIGHT, **kw),
    "adaptive-focal": lambda z, y, **kw: adaptive_focal_loss(z, y, weight=WEIGHT, **kw),
    "class-balanced": lambda z, y, **kw: class_balanced_loss(z, y, COUNTS, base="focal", **kw),
    "ldam": lambda z, y, **kw: ldam_loss(z, y, MARGINS, weight=WEIGHT, **kw),
    "logit-adjusted": lambda z, y, **kw: logit_adjusted_loss(z, y, PRIORS, **kw),
    "balanced-softmax": lambda z, y, **kw: balanced_softmax_loss(z, y, COUNTS, **kw),
}


@pytest.mark.parametrize("name", list(IGNORE_CASES))
@pytest.mark.parametrize("ignore_index", [-100, 7])
def test_losses_ignore_index_drops_rows(name, ignore_index):
    """Check that ignored rows give 0 and the mean equals the loss of the kept rows alone."""
    logits, target = _data()
    keep = torch.tensor([i % 3 != 0 for i in range(N)])
    masked = target.masked_fill(~keep, ignore_index)
    loss = IGNORE_CASES[name]
    rows = loss(logits, masked, reduction="none", ignore_index=ignore_index)
    assert (rows[~keep] == 0).all()
    torch.testing.assert_close(rows[keep], loss(logits[keep], target[keep], reduction="none"))
    torch.testing.assert_close(loss(logits, masked, ignore_index=ignore_index),
                               loss(logits[keep], target[keep]))


def test_focal_loss_ignore_index_equals_torch_at_gamma_zero():
    """Check ignore_index with a weight against F.cross_entropy's handling."""
    logits, target = _data()
    masked = target.clone()
    masked[::4] = -100
    w = torch.tensor(WEIGHT, dtype=torch.float64)
    torch.testing.assert_close(focal_loss(logits, masked, gamma=0.0, weight=w),
                               F.cross_entropy(logits, masked, weight=w))


# ---- invariants (hypothesis) -----------------------------------------------------------------

_logit_arrays = arrays(np.float64, (6, 3), elements=st.floats(-50, 50))


@settings(max_examples=40, deadline=None)
@given(z=_logit_arrays, gamma=st.floats(0, 5))
def test_focal_loss_never_exceeds_cross_entropy(z, gamma):
    """Check that the focal loss is <= CE row by row for gamma >= 0 and alpha=None."""
    logits, target = torch.from_numpy(z), torch.tensor([0, 1, 2, 0, 1, 2])
    fl = focal_loss(logits, target, gamma=gamma, reduction="none")
    ce = F.cross_entropy(logits, target, reduction="none")
    assert (fl <= ce + 1e-12).all()
    assert (fl >= 0).all()


@settings(max_examples=40, deadline=None)
@given(z=_logit_arrays, prior=st.floats(1e-3, 1.0), tau=st.floats(0, 3))
def test_logit_adjusted_loss_uniform_priors_equal_cross_entropy(z, prior, tau):
    """Check that equal priors (of any scale) leave the cross-entropy unchanged."""
    logits, target = torch.from_numpy(z), torch.tensor([0, 1, 2, 0, 1, 2])
    torch.testing.assert_close(logit_adjusted_loss(logits, target, [prior] * 3, tau=tau),
                               F.cross_entropy(logits, target))


@settings(max_examples=40, deadline=None)
@given(z=arrays(np.float64, (5, 3), elements=st.floats(-200, 200)),
       y=arrays(np.float64, (5, 3), elements=st.sampled_from([0.0, 1.0])))
def test_sigmoid_losses_are_finite_and_nonnegative(z, y):
    """Check that binary focal and ASL are finite and >= 0 for any logits."""
    logits, targets = torch.from_numpy(z), torch.from_numpy(y)
    for loss in (binary_focal_loss_with_logits(logits, targets, reduction="none"),
                 asymmetric_loss(logits, targets, reduction="none"),
                 asymmetric_loss(logits, targets, clip=0, eps=0, reduction="none")):
        assert torch.isfinite(loss).all()
        assert (loss >= 0).all()


@settings(max_examples=30, deadline=None)
@given(counts=st.lists(st.integers(1, 10_000), min_size=2, max_size=6),
       beta=st.sampled_from([0.9, 0.99, 0.999, 0.9999]))
def test_class_balanced_weights_rarer_class_weighs_more(counts, beta):
    """Check that weights sum to C and never decrease as a class gets rarer."""
    w = class_balanced_weights(counts, beta).double().numpy()
    assert w.sum() == pytest.approx(len(counts), rel=1e-5)
    order = np.argsort(counts, kind="stable")
    assert (np.diff(w[order]) <= 1e-6).all()


# ---- registry --------------------------------------------------------------------------------

def test_get_loss_builds_every_registered_loss():
    """Check that every name builds its module, with class_counts passed where needed."""
    logits, target = _data(dtype=torch.float32)
    assert set(LOSSES) == {"ce", "focal", "class-balanced", "ldam", "logit-adjusted",
                           "balanced-softmax", "asymmetric", "adaptive-focal"}
    for name, cls in LOSSES.items():
        criterion = get_loss(name, class_counts=COUNTS)
        assert type(criterion) is cls
        if name == "asymmetric":
            value = criterion(logits, F.one_hot(target, C))
        else:
            value = criterion(logits, target)
        assert torch.isfinite(value)


def test_get_loss_passes_params_and_resolves_weight_method():
    """Check parameter routing and weight='balanced' computed from class_counts."""
    criterion = get_loss("focal", class_counts=COUNTS, gamma=1.0, weight="balanced")
    assert criterion.gamma == 1.0
    n = np.array(COUNTS, dtype=float)
    np.testing.assert_allclose(criterion.weight.numpy(), n.sum() / (C * n), rtol=1e-6)
    assert get_loss("class-balanced", class_counts=COUNTS, beta=0.9).beta == 0.9
    ce = get_loss("ce", weight=WEIGHT)
    torch.testing.assert_close(ce.weight, torch.tensor(WEIGHT))


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: get_loss("focla"), ValueError, "unknown loss 'focla'; expected one of ce, focal.*did you mean 'focal'"),
    (lambda: get_loss(3), ValueError, "unknown loss 3"),
    (lambda: get_loss("ldam"), ValueError, "loss 'ldam' is built from the class distribution and needs class_counts"),
    (lambda: get_loss("focal", gama=2), TypeError, r"got unexpected parameters \['gama'\].*did you mean 'gamma'"),
    (lambda: get_loss("focal", weight="balanced"), ValueError, "weight='balanced' needs class_counts"),
    (lambda: get_loss("focal", class_counts=COUNTS, weight="balance"), ValueError,
     "unknown weight method 'balance'.*did you mean 'balanced'"),
])
def test_get_loss_errors(call, error, match):
    """Check get_loss's messages for a bad name, missing counts and unknown parameters."""
    with pytest.raises(error, match=match):
        call()


# ---- errors ----------------------------------------------------------------------------------

Z, Y = _data(dtype=torch.float32)


@pytest.mark.parametrize(("call", "error", "match"), [
    (lambda: focal_loss(Z, Y, reduction="avg"), ValueError,
     r"'reduction' parameter of focal_loss must be one of 'none', 'mean', 'sum'; got 'avg'"),
    (lambda: focal_loss(Z, Y[:-1]), DataError,
     r"logits has shape \(12, 4\) but target has shape \(11,\)"),
    (lambda: focal_loss(Z[0], Y), DataError, r"expects logits of shape \(N, C\), but logits has shape \(4,\)"),
    (lambda: focal_loss(Z, Y + 1), DataError, r"class indices \[4\] outside \[0, 4\)"),
    (lambda: focal_loss(Z, Y - 1), DataError, r"class indices \[-1\] outside"),
    (lambda: focal_loss(Z, Y.float()), TypeError, "integer class indices.*target.long()"),
    (lambda: focal_loss(Z.numpy(), Y), TypeError, "expects logits as a torch.Tensor, got ndarray"),
    (lambda: focal_loss(Z, Y.tolist()), TypeError, "expects target as a torch.Tensor, got list"),
    (lambda: focal_loss(Z.long(), Y), TypeError, "floating-point logits, got torch.int64"),
    (lambda: focal_loss(Z, Y.to("meta")), DataError, "logits is on cpu but target is on meta"),
    (lambda: focal_loss(Z, Y, gamma=-1.0), ValueError, "'gamma' parameter of focal_loss must be a finite number >= 0; got -1.0"),
    (lambda: focal_loss(Z, Y, gamma=[1.0, 2.0]), DataError, r"gamma has shape \(2,\) but logits has shape \(12, 4\)"),
    (lambda: focal_loss(Z, Y, alpha=[1, 1, 1, -1]), ValueError, "'alpha' parameter of focal_loss must be >= 0"),
    (lambda: focal_loss(Z, Y, weight=[1.0] * 3), DataError, r"weight has shape \(3,\).*one value per class \(4\)"),
    (lambda: focal_loss(Z, Y, weight=[1.0, float("nan"), 1, 1]), ValueError, "must be finite"),
    (lambda: focal_loss(Z, Y, weight="balanced"), TypeError, "'weight' parameter of focal_loss must be a sequence"),
    (lambda: focal_loss(Z, Y, ignore_index=1.5), ValueError, "'ignore_index' parameter of focal_loss must be an int"),
    (lambda: binary_focal_loss_with_logits(Z, Y), DataError,
     r"logits has shape \(12, 4\) but target has shape \(12,\)"),
    (lambda: binary_focal_loss_with_logits(Z, Z), DataError, r"target must hold values in \[0, 1\]"),
    (lambda: binary_focal_loss_with_logits(Z, torch.ones_like(Z), alpha=1.5), ValueError,
     r"'alpha' parameter of binary_focal_loss_with_logits must be a finite number in \[0, 1\]; got 1.5"),
    (lambda: binary_focal_loss_with_logits(Z[None], torch.ones(1, 12, 4)), DataError,
     r"logits of shape \(N,\) or \(N, C\)"),
    (lambda: adaptive_focal_loss(Z, Y, thresholds=(0.5, 0.2), gammas=(1, 2, 3)), ValueError,
     "'thresholds' parameter of adaptive_focal_loss must be strictly increasing"),
    (lambda: adaptive_focal_loss(Z, Y, thresholds=(0.2,), gammas=(1.0,)), ValueError,
     r"gammas needs one value per probability band, len\(thresholds\) \+ 1 = 2, got 1"),
    (lambda: adaptive_focal_loss(Z, Y, thresholds=(1.2,)), ValueError, r"must be a finite number in \(0, 1\)"),
    (lambda: adaptive_focal_loss(Z, Y, thresholds=0.2), TypeError, "thresholds and gammas must be sequences"),
    (lambda: class_balanced_loss(Z, Y, COUNTS, beta=1.0), ValueError,
     r"'beta' parameter of class_balanced_loss must be a finite number in \[0, 1\); got 1.0"),
    (lambda: class_balanced_loss(Z, Y, COUNTS, base="softmax"), ValueError,
     "'base' parameter of class_balanced_loss must be one of 'ce', 'sigmoid', 'focal'; got 'softmax'"),
    (lambda: class_balanced_loss(Z, Y, [5, 0, 3, 2]), DataError, "class 1 has 0.0"),
    (lambda: class_balanced_loss(Z, Y, [5, 3, 2]), DataError, r"weight has shape \(3,\)"),
    (lambda: class_balanced_loss(Z, Y, [[5, 3]]), DataError, "non-empty 1-D sequence"),
    (lambda: class_balanced_loss(Z, Y, {0: 5, 1: 3}), TypeError, "got a dict"),
    (lambda: class_balanced_loss(Z, Y, ["a", "b"]), TypeError, "sequence of numbers"),
    (lambda: ldam_loss(Z, Y, MARGINS, s=0), ValueError, "'s' parameter of ldam_loss must be a finite number > 0; got 0"),
    (lambda: ldam_margins(COUNTS, max_margin=-1), ValueError, "'max_margin' parameter of ldam_margins"),
    (lambda: LDAMLoss(None), ValueError, "LDAMLoss needs class_counts"),
    (lambda: drw_weights(COUNTS, 1.5, 10), ValueError, "'epoch' parameter of drw_weights must be an int >= 0"),
    (lambda: drw_weights(COUNTS, 0, 0), ValueError, "'n_epochs' parameter of drw_weights must be an int >= 1"),
    (lambda: drw_weights(COUNTS, 0, 10, start=1.5), ValueError, "'start' parameter of drw_weights"),
    (lambda: drw_weights([1, 0], 0, 10), DataError, "class 1 has 0.0"),
    (lambda: logit_adjusted_loss(Z, Y, PRIORS, tau=-1), ValueError, "'tau' parameter of logit_adjusted_loss"),
    (lambda: logit_adjusted_loss(Z, Y, [0.5, 0.5, 0.0, 0.0]), ValueError,
     "'class_priors' parameter of logit_adjusted_loss must be > 0 for every class"),
    (lambda: balanced_softmax_loss(Z, Y, torch.tensor(COUNTS[:3])), DataError,
     r"class_counts has shape \(3,\)"),
    (lambda: asymmetric_loss(Z, torch.ones_like(Z), clip=1.0), ValueError, "'clip' parameter of asymmetric_loss"),
    (lambda: asymmetric_loss(Z, torch.ones_like(Z), gamma_neg=-1), ValueError, "'gamma_neg' parameter"),
    (lambda: asymmetric_loss(Z, torch.full_like(Z, 2.0)), DataError, r"values in \[0, 1\], found \[2.0\]"),
    (lambda: FocalLoss(gamma=-2.0), ValueError, "'gamma' parameter of FocalLoss"),
    (lambda: FocalLoss(reduction="avg"), ValueError, "'reduction' parameter of FocalLoss"),
    (lambda: FocalLoss(weight=[[1.0]]), ValueError, r"'weight' parameter of FocalLoss must be a non-empty 1-D"),
    (lambda: BinaryFocalLoss(alpha=2.0), ValueError, "'alpha' parameter of BinaryFocalLoss"),
    (lambda: ClassBalancedLoss(COUNTS, base="x"), ValueError, "'base' parameter of ClassBalancedLoss"),
    (lambda: AdaptiveFocalLoss(gammas=(1.0,)), ValueError, "gammas needs one value per probability band"),
    (lambda: AsymmetricLoss(eps=-1), ValueError, "'eps' parameter of AsymmetricLoss"),
    (lambda: AsymmetricLoss().set_weight([1.0]), AttributeError, "AsymmetricLoss has no per-class weight"),
    (lambda: CrossEntropyLoss(label_smoothing=2), ValueError, "'label_smoothing' parameter of CrossEntropyLoss"),
    (lambda: NormedLinear(0, 3), ValueError, "'in_features' parameter of NormedLinear must be an int >= 1"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_losses_errors(call, error, match):
    """Check that bad inputs and parameters raise specific, explanatory errors."""
    with pytest.raises(error, match=match):
        call()


# ---- the layer, the package guard ------------------------------------------------------------

def test_normed_linear_outputs_cosines():
    """Check that NormedLinear returns the cosine of each input with each class vector."""
    torch.manual_seed(0)
    layer = NormedLinear(5, 3)
    x = torch.randn(7, 5, dtype=torch.float64)
    w = layer.weight.detach().double().numpy()
    expected = np.array([[xi @ wj / (np.linalg.norm(xi) * np.linalg.norm(wj)) for wj in w]
                         for xi in x.numpy()])
    np.testing.assert_allclose(layer.double()(x).detach().numpy(), expected, rtol=1e-10)


def test_losses_import_without_torch_names_the_extra():
    """Check that importing unskew.losses without torch says pip install "unskew[torch]"."""
    code = ("import sys; sys.modules['torch'] = None\n"
            "try:\n    import unskew.losses\nexcept ImportError as exc:\n"
            "    print(type(exc).__name__, exc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert MissingExtraError.__name__ in out.stdout
    assert 'pip install "unskew[torch]"' in out.stdout


def test_focal_loss_modulating_factor_gradient_finite_for_small_gamma():
    """Check that 0 < gamma < 1 keeps gradients finite where p_y rounds to 1."""
    logits = torch.tensor([[100.0, -100.0], [0.3, 0.1]], requires_grad=True)
    loss = focal_loss(logits, torch.tensor([0, 1]), gamma=0.5)
    loss.backward()
    assert torch.isfinite(logits.grad).all()
    assert math.isfinite(loss.item())
