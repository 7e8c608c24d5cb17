"""Tests of unskew.nn: post-hoc logit adjustment, tau-normalisation and TorchMLPClassifier."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_blobs, make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

torch = pytest.importorskip("torch")

from unskew.exceptions import DataError  # noqa: E402
from unskew.losses import NormedLinear  # noqa: E402
from unskew.nn import (  # noqa: E402
    TorchMLPClassifier,
    logit_adjust,
    tau_normalize,
    tau_normalize_linear_,
)

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(6, 3))
PRIORS = np.array([0.7, 0.2, 0.1])


# --------------------------------------------------------------------------- post-hoc
@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
def test_logit_adjust_closed_form(tau):
    """Check that logit_adjust subtracts tau * log(prior) from every row, for arrays and tensors."""
    expected = LOGITS - tau * np.log(PRIORS)[None, :]
    np.testing.assert_allclose(logit_adjust(LOGITS, PRIORS, tau), expected)
    got = logit_adjust(torch.from_numpy(LOGITS), torch.from_numpy(PRIORS), tau)
    assert isinstance(got, torch.Tensor)
    np.testing.assert_allclose(got.numpy(), expected)


def test_logit_adjust_tau_zero_is_identity():
    """Check that tau=0 returns the logits unchanged."""
    np.testing.assert_array_equal(logit_adjust(LOGITS, PRIORS, 0.0), LOGITS)


def test_logit_adjust_counts_equal_priors():
    """Check that class counts give the same adjustment as the priors they normalise to."""
    np.testing.assert_allclose(logit_adjust(LOGITS, [70, 20, 10]), logit_adjust(LOGITS, PRIORS))


def test_logit_adjust_divides_probabilities_by_prior():
    """Check that with tau=1 the adjusted softmax is softmax(logits) / prior, renormalised."""
    p = torch.softmax(torch.from_numpy(LOGITS), dim=1).numpy()
    balanced = p / PRIORS
    balanced /= balanced.sum(axis=1, keepdims=True)
    adjusted = torch.softmax(logit_adjust(torch.from_numpy(LOGITS), PRIORS), dim=1).numpy()
    np.testing.assert_allclose(adjusted, balanced)


@pytest.mark.parametrize(
    ("logits", "priors", "tau", "error", "match"),
    [
        (LOGITS, [0.5, 0.5], 1.0, DataError, r"logits \(6, 3\) and class_priors \(2,\)"),
        (LOGITS[0], PRIORS, 1.0, DataError, "shape"),
        (LOGITS, [0.5, 0.5, 0.0], 1.0, DataError, "finite and > 0"),
        (LOGITS, PRIORS, float("nan"), ValueError, "tau must be a finite real number"),
        (LOGITS, PRIORS, "1", ValueError, "tau must be a finite real number, got '1'"),
    ],
    ids=["prior-length", "1d-logits", "zero-prior", "nan-tau", "str-tau"],
)
def test_logit_adjust_rejects_bad_input(logits, priors, tau, error, match):
    """Check that mismatched shapes, empty classes and bad tau raise a specific error."""
    with pytest.raises(error, match=match):
        logit_adjust(logits, priors, tau)


@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0])
def test_tau_normalize_closed_form(tau):
    """Check that tau_normalize gives W_j / ||W_j|| ** tau for every row."""
    w = RNG.normal(size=(4, 5))
    expected = w / np.linalg.norm(w, axis=1, keepdims=True) ** tau
    np.testing.assert_allclose(tau_normalize(torch.from_numpy(w), tau).numpy(), expected)


def test_tau_normalize_zero_row_stays_zero():
    """Check that a row of norm 0 stays 0 instead of becoming NaN."""
    w = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    out = tau_normalize(w, 1.0)
    assert torch.equal(out[0], torch.zeros(2))
    assert torch.isfinite(out).all()


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(1, 6), cols=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_tau_normalize_one_gives_unit_rows(rows, cols, seed):
    """Check that tau=1 makes every non-zero row unit-norm and keeps its direction."""
    w = torch.from_numpy(np.random.default_rng(seed).normal(size=(rows, cols)))
    out = tau_normalize(w, 1.0)
    np.testing.assert_allclose(torch.linalg.vector_norm(out, dim=1).numpy(), 1.0)
    cos = torch.nn.functional.cosine_similarity(out, w, dim=1)
    np.testing.assert_allclose(cos.numpy(), 1.0)


def test_tau_normalize_linear_in_place_keeps_bias():
    """Check that the in-place helper rewrites the layer's weight and leaves its bias alone."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(5, 3)
    weight, bias = layer.weight.detach().clone(), layer.bias.detach().clone()
    assert tau_normalize_linear_(layer, 0.5) is layer
    torch.testing.assert_close(layer.weight.detach(), tau_normalize(weight, 0.5))
    assert torch.equal(layer.bias.detach(), bias)


def test_tau_normalize_rejects_bad_input():
    """Check that a 1-D weight and a non-Linear module raise a specific error."""
    with pytest.raises(DataError, match=r"2-D weight tensor .* got \(3,\)"):
        tau_normalize(torch.ones(3))
    with pytest.raises(TypeError, match=r"needs a torch\.nn\.Linear layer, got Conv1d"):
        tau_normalize_linear_(torch.nn.Conv1d(1, 1, 1))


# --------------------------------------------------------------------------- TorchMLPClassifier
def _skewed(seed=0, n=1200):
    """Three overlapping classes with 90% / 8% / 2% of the rows."""
    return make_classification(n, n_features=6, n_informative=3, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.9, 0.08, 0.02], class_sep=0.7,
                               random_state=seed)


@pytest.mark.parametrize("n_classes", [2, 4], ids=["binary", "multiclass"])
def test_mlp_learns_separable_problem_with_string_labels(n_classes):
    """Check that the MLP separates well-separated blobs and returns the original string labels."""
    X, y = make_blobs(300, centers=n_classes, cluster_std=0.5, random_state=0)
    labels = np.array(["cat", "dog", "eel", "fox"])[y]
    clf = make_pipeline(StandardScaler(), TorchMLPClassifier((16,), random_state=0))
    clf.fit(X, labels)
    assert clf[-1].classes_.tolist() == sorted(set(labels))
    assert (clf.predict(X) == labels).mean() > 0.97


def test_mlp_balanced_loss_beats_cross_entropy_on_skewed_data():
    """Check that balanced softmax raises balanced accuracy well above plain cross-entropy."""
    X, y = _skewed(seed=0)
    X_test, y_test = _skewed(seed=1)
    scores = {loss: balanced_accuracy_score(
        y_test, TorchMLPClassifier((32,), loss=loss, random_state=0).fit(X, y).predict(X_test))
        for loss in ("ce", "balanced-softmax")}
    assert scores["balanced-softmax"] > scores["ce"] + 0.1


def test_mlp_predict_proba_decision_function_and_predict_agree():
    """Check that probability rows sum to 1 and predict is the argmax of every output."""
    X, y = _skewed(n=300)
    clf = TorchMLPClassifier((16,), max_epochs=20, random_state=0).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (clf.classes_[proba.argmax(axis=1)] == clf.predict(X)).all()
    assert (clf.decision_function(X).argmax(axis=1) == proba.argmax(axis=1)).all()
    binary = TorchMLPClassifier((8,), max_epochs=5, random_state=0).fit(X, y == 1)
    assert ((binary.decision_function(X) > 0) == binary.predict(X)).all()


def test_mlp_posthoc_tau_subtracts_log_prior():
    """Check that posthoc_tau shifts the fitted logits by -tau * log(class prior) at predict."""
    X, y = _skewed(n=300)
    clf = TorchMLPClassifier((16,), max_epochs=10, random_state=0).fit(X, y)
    raw = clf.decision_function(X)
    adjusted = clf.set_params(posthoc_tau=0.7).decision_function(X)
    prior = np.bincount(y) / y.size
    np.testing.assert_allclose(adjusted - raw, np.broadcast_to(-0.7 * np.log(prior), raw.shape),
                               rtol=1e-6)


def test_mlp_deterministic_and_global_rng_untouched():
    """Check that random_state fixes the fit and fit leaves torch's global generator alone."""
    X, y = _skewed(n=300)
    state = torch.random.get_rng_state()
    a = TorchMLPClassifier((16,), sampler="sqrt", max_epochs=5, random_state=3).fit(X, y)
    assert torch.equal(torch.random.get_rng_state(), state)
    b = TorchMLPClassifier((16,), sampler="sqrt", max_epochs=5, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.loss_curve_ == b.loss_curve_


@pytest.mark.parametrize("sampler", ["instance", "class-balanced", "sqrt", "progressive"])
def test_mlp_trains_with_each_sampler(sampler):
    """Check that every sampler mode trains and records one loss per epoch."""
    X, y = _skewed(n=300)
    clf = TorchMLPClassifier((8,), sampler=sampler, max_epochs=4, early_stopping=False,
                             random_state=0).fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_ == 4
    assert clf.validation_loss_curve_ == []
    assert np.isfinite(clf.loss_curve_).all()


def test_mlp_ldam_drw_uses_cosine_head_and_waits_for_reweighting():
    """Check that 'ldam-drw' ends in NormedLinear and early stopping only counts after the switch."""
    X, y = _skewed(n=300)
    clf = TorchMLPClassifier((8,), loss="ldam-drw", max_epochs=20, n_iter_no_change=1,
                             random_state=0).fit(X, y)
    assert isinstance(clf.network_[-1], NormedLinear)
    # DRW starts at ceil(0.8 * 20) = 16
    assert clf.best_epoch_ >= 16
    assert clf.n_iter_ >= 17


def test_mlp_early_stopping_keeps_best_epoch():
    """Check that the kept weights are those of the epoch with the lowest validation loss."""
    X, y = _skewed(n=400)
    clf = TorchMLPClassifier((16,), max_epochs=200, n_iter_no_change=3, lr=0.05,
                             random_state=0).fit(X, y)
    curve = clf.validation_loss_curve_
    assert len(curve) == clf.n_iter_ < 200
    assert curve[clf.best_epoch_] == pytest.approx(min(curve), abs=1e-4)
    assert clf.n_iter_ == clf.best_epoch_ + 1 + 3


def test_mlp_sample_weight_ones_equals_none_and_zero_weight_ignored():
    """Check that unit weights change nothing and rows of weight 0 do not sway the fit."""
    X, y = _skewed(n=300)
    params = {"hidden_layer_sizes": (16,), "max_epochs": 30, "early_stopping": False,
              "random_state": 0}
    plain = TorchMLPClassifier(**params).fit(X, y)
    ones = TorchMLPClassifier(**params).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(plain.predict_proba(X), ones.predict_proba(X))
    # flip the labels of half the rows but give them weight 0
    flipped = y.copy()
    flipped[::2] = (y[::2] + 1) % 3
    w = np.ones(len(y))
    w[::2] = 0.0
    weighted = TorchMLPClassifier(**params).fit(X, flipped, sample_weight=w)
    noisy = TorchMLPClassifier(**params).fit(X, flipped)
    assert (weighted.predict(X) == y).mean() > (noisy.predict(X) == y).mean() + 0.3


def test_mlp_feature_names_from_dataframe():
    """Check that a DataFrame's column names are kept in feature_names_in_."""
    import pandas as pd
    X, y = _skewed(n=200)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = TorchMLPClassifier((4,), max_epochs=2, random_state=0).fit(frame, y)
    assert clf.feature_names_in_.tolist() == list(frame.columns)
    assert clf.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("loss", ["ce", "ldam-drw"])
def test_mlp_skops_round_trip(tmp_path, loss):
    """Check that skops saves and loads the model with identical predictions and only safe types."""
    import skops.io as sio
    X, y = _skewed(n=300)
    clf = TorchMLPClassifier((8, 4), loss=loss, posthoc_tau=0.5, max_epochs=5,
                             random_state=0).fit(X, y)
    path = tmp_path / "model.skops"
    sio.dump(clf, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert all(t.split(".")[0] in {"unskew", "numpy", "builtins"} for t in untrusted), untrusted
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert hasattr(clf, "network_")  # saving did not strip the live model


def test_mlp_pickle_round_trip():
    """Check that pickling keeps the predictions."""
    X, y = _skewed(n=200)
    clf = TorchMLPClassifier((4,), max_epochs=3, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"loss": "focla"}, ValueError, r"'loss' parameter .* got 'focla'; did you mean 'focal'\?"),
        ({"loss": "ldam_drw"}, ValueError, "did you mean one of 'ldam-drw'"),
        ({"sampler": "balanced"}, ValueError, "'sampler' parameter .* did you mean"),
        ({"hidden_layer_sizes": (10, 0)}, ValueError, "'hidden_layer_sizes' .* ints >= 1"),
        ({"hidden_layer_sizes": "wide"}, ValueError, "'hidden_layer_sizes'"),
        ({"validation_fraction": 1.0}, ValueError, r"'validation_fraction' .* in \(0, 1\)"),
        ({"max_epochs": 0}, ValueError, "'max_epochs' .* int >= 1; got 0"),
        ({"lr": 0}, ValueError, "'lr' .* > 0"),
        ({"posthoc_tau": -1}, ValueError, "'posthoc_tau' .* >= 0"),
        ({"drw": "yes"}, ValueError, "'drw' .* a bool"),
        ({"loss_params": [1]}, ValueError, "'loss_params' .* dict"),
        ({"loss_params": {"gama": 1.0}, "loss": "focal"}, TypeError, "did you mean 'gamma'"),
        ({"device": "gpu0"}, ValueError, "'device' parameter"),
    ],
    ids=["loss-typo", "alias-typo", "sampler", "zero-width", "str-width", "val-fraction",
         "epochs", "lr", "tau", "drw", "loss-params-type", "loss-param-typo", "device"],
)
def test_mlp_rejects_bad_parameters(params, error, match):
    """Check that each bad parameter raises an error naming it, with a suggestion for typos."""
    X, y = _skewed(n=100)
    with pytest.raises(error, match=match):
        TorchMLPClassifier(**{"max_epochs": 1, **params}).fit(X, y)


@pytest.mark.parametrize(
    ("y", "sample_weight", "match"),
    [
        (np.zeros(100), None, "at least 2 classes in y, got one class"),
        (None, -np.ones(100), "finite and >= 0; row 0 has -1.0"),
        (None, np.ones(5), r"shape \(100,\) like y, got \(5,\)"),
        (None, np.zeros(100), "all sample_weight values are zero"),
    ],
    ids=["one-class", "negative-weight", "weight-length", "zero-weights"],
)
def test_mlp_rejects_bad_data(y, sample_weight, match):
    """Check that unusable targets and sample weights raise a DataError that says why."""
    X, y_ok = _skewed(n=100)
    with pytest.raises(DataError, match=match):
        TorchMLPClassifier(max_epochs=1).fit(X, y_ok if y is None else y,
                                             sample_weight=sample_weight)


def test_mlp_verbose_prints_each_epoch(capsys):
    """Check that verbose=1 prints the training and validation loss of every epoch."""
    X, y = _skewed(n=200)
    TorchMLPClassifier((4,), max_epochs=3, n_iter_no_change=5, verbose=1,
                       random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 0: training loss ")
    assert "validation loss" in lines[-1]
