"""Tests of the strategy catalogue of ``unskew compare`` (unskew.comparison.strategies)."""

import pickle
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from imblearn.pipeline import Pipeline
from imblearn.utils.estimator_checks import estimator_checks_generator
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from unskew.comparison.strategies import (
    FAMILIES,
    PRESETS,
    REGISTRY,
    Strategy,
    available_strategies,
    register,
    resolve,
)
from unskew.exceptions import DataError
from unskew.resampling import ADASYN, SMOTE, AdaptiveNeighbors

FEATURE_TYPES = {"amount": "numeric", "age": "numeric", "shop": "categorical"}
# the generic tests below use a mixed table; SMOTE-N (all-categorical tables) has its own
NAMES = [name for name in REGISTRY if REGISTRY[name].unfit_for(FEATURE_TYPES) is None]
BINARY_ONLY = {name for name in NAMES if name.startswith("tuned-threshold+")}
DATA_STRATEGIES = [name for name in NAMES if REGISTRY[name].family == "data"]
KNN_STRATEGIES = [name for name in DATA_STRATEGIES
                  if isinstance(REGISTRY[name].build({"x": "numeric"}, 0)
                                .named_steps["resample"], AdaptiveNeighbors)]
FAST = ["none+lr", "weighted+lr", "weighted+hgb", "ros+lr", "rus+lr", "smote+lr"]
SAFE_TYPE_PREFIXES = ("sklearn.", "imblearn.", "numpy.", "unskew.")


def _table(sizes: dict[str, int], seed: int = 0, shift: float = 1.5):
    """Imbalanced table with string labels, a categorical column and missing values."""
    rng = np.random.default_rng(seed)
    parts = []
    for i, (label, n) in enumerate(sizes.items()):
        parts.append(pd.DataFrame({
            "amount": rng.normal(shift * i, 1.0, n),
            "age": rng.normal(40 - 5 * i, 8.0, n),
            "shop": rng.choice(["web", "store", "app"], n, p=[0.5, 0.3, 0.2]),
            "label": label,
        }))
    frame = pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=seed)
    frame = frame.reset_index(drop=True)
    frame.loc[0, "amount"] = np.nan
    frame.loc[1, "shop"] = None
    return frame.drop(columns="label"), frame["label"].to_numpy()


# "abnormal" is the minority and sorts first, so it is classes_[0], not classes_[1]
X_BIN, Y_BIN = _table({"normal": 80, "abnormal": 16})
X_MULTI, Y_MULTI = _table({"cat": 60, "dog": 24, "eel": 10}, seed=1)
# 3 rows of "rare": fewer than the default k=5 of the k-NN resamplers. Well separated, because
# on 3 overlapping rows RUSBoost's first balanced tree can be "worse than random" and stop.
X_TINY, Y_TINY = _table({"normal": 100, "rare": 3}, seed=2, shift=4.0)


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    # OpenMP (HistGradientBoosting) spin-waits badly when the machine is oversubscribed
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def fitted_binary():
    """Each strategy fitted once on the binary table (random_state=0), shared by tests."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = REGISTRY[name].build(FEATURE_TYPES, 0).fit(X_BIN, Y_BIN)
        return cache[name]

    return get


def _check_predictions(est, X, y):
    labels = np.unique(y)
    pred = est.predict(X)
    proba = est.predict_proba(X)
    assert pred.shape == (len(X),)
    assert set(pred.tolist()) <= set(labels.tolist())
    assert_array_equal(est.classes_, labels)
    assert proba.shape == (len(X), len(labels))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all((proba >= 0) & (proba <= 1))


# --- the registry -------------------------------------------------------------------------------


def test_registry_holds_the_catalogue():
    """Check that at least 15 well-named, described strategies are registered by every family."""
    assert len(REGISTRY) >= 15
    for name, strategy in REGISTRY.items():
        assert strategy.name == name
        assert re.fullmatch(r"[a-z0-9-]+\+[a-z0-9-]+", name), name
        assert strategy.description.strip().endswith("."), name
    families = Counter(s.family for s in REGISTRY.values())
    for family in ("baseline", "weights", "data", "ensembles", "decisions"):
        assert families[family] >= 1, family
    assert set(families) <= set(FAMILIES)


def test_presets_fast_default_thorough():
    """Check that 'fast' is the six cheap strategies, within 'default', within 'thorough' (all)."""
    fast = [s.name for s in resolve(preset="fast")]
    default = [s.name for s in resolve(preset="default")]
    assert fast == FAST
    assert set(fast) < set(default) < set(REGISTRY)
    assert [s.name for s in resolve(preset="thorough")] == list(REGISTRY)
    # MLP training is slow on a CPU: torch strategies only run when asked for
    assert not [name for name in default if REGISTRY[name].requires == "torch"]


def test_resolve_by_name():
    """Check that resolve returns the named strategies in the order asked, spaces stripped."""
    assert resolve(["smote+lr"]) == [REGISTRY["smote+lr"]]
    assert [s.name for s in resolve([" weighted+hgb", "none+lr "])] == ["weighted+hgb", "none+lr"]


def test_resolve_unknown_name_suggests():
    """Check that an unknown name raises DataError with a suggestion and the options."""
    with pytest.raises(DataError, match=r"unknown strategy 'smote\+lrr'; did you mean "
                                        r"one of 'smote\+lr'.*available: none\+lr, none\+hgb"):
        resolve(["smote+lrr"])


def test_resolve_unknown_preset():
    """Check that an unknown preset raises DataError listing the presets."""
    with pytest.raises(DataError, match="unknown preset 'quick'; expected one of fast"):
        resolve(preset="quick")


def test_register_refuses_duplicates():
    """Check that registering an existing name again is refused."""
    with pytest.raises(ValueError, match=r"'none\+lr' is already registered"):
        register(Strategy("none+lr", "baseline", REGISTRY["none+lr"].build, "Again."))


def test_available_strategies_lists_the_registry():
    """Check that available_strategies gives one plain row per strategy, in registry order."""
    rows = available_strategies()
    assert [r["name"] for r in rows] == list(REGISTRY)
    for row in rows:
        strategy = REGISTRY[row["name"]]
        assert row["family"] == strategy.family
        assert row["description"] == strategy.description
        assert row["presets"] == [p for p in PRESETS if p in strategy.presets]
        assert row["requires"] == strategy.requires
        assert row["available"] is True  # the test environment installs every extra


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_strategy_search_space_addresses_real_parameters(name):
    """Check that every search-space key is a parameter of the built estimator and settable."""
    strategy = REGISTRY[name]
    assert strategy.search_space, "every strategy has a grid for the thorough preset"
    est = strategy.build(FEATURE_TYPES, 0)
    params = est.get_params(deep=True)
    for key, values in strategy.search_space.items():
        assert key in params, key
        assert isinstance(values, list)
        assert len(values) >= 2
        est.set_params(**{key: values[0]})


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_strategy_build_is_picklable_and_unfitted(name):
    """Check that build can travel to worker processes and returns an unfitted estimator."""
    build = pickle.loads(pickle.dumps(REGISTRY[name].build))
    est = build(FEATURE_TYPES, 0)
    assert hasattr(est, "predict")
    assert hasattr(est, "predict_proba")
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


# --- every strategy on data ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_strategy_fits_binary_string_labels(name, fitted_binary):
    """Check that each strategy fits a binary table with strings, a category and NaNs."""
    _check_predictions(fitted_binary(name), X_BIN, Y_BIN)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_strategy_fits_multiclass(name):
    """Check that each strategy fits 3 classes, or refuses clearly when it is binary-only."""
    est = REGISTRY[name].build(FEATURE_TYPES, 0)
    if name in BINARY_ONLY:
        # (compare skips binary-only strategies on such targets before fitting them)
        with pytest.raises(DataError, match=r"needs a binary target, but y has 3 classes "
                                            r"\['cat', 'dog', 'eel'\]"):
            est.fit(X_MULTI, Y_MULTI)
        return
    _check_predictions(est.fit(X_MULTI, Y_MULTI), X_MULTI, Y_MULTI)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_strategy_is_deterministic(name, fitted_binary):
    """Check that the same random_state gives identical predictions and probabilities."""
    first = fitted_binary(name)
    second = REGISTRY[name].build(FEATURE_TYPES, 0).fit(X_BIN, Y_BIN)
    assert_array_equal(first.predict(X_BIN), second.predict(X_BIN))
    assert_array_equal(first.predict_proba(X_BIN), second.predict_proba(X_BIN))


# SMOTE inside each boosting round / bag: no resampler step to adapt, so a class too small for
# k=5 is refused with a message that names it (compare records it and goes on)
NEEDS_K_PLUS_ONE_ROWS = {"smoteboost+trees", "smotebagging+trees"}


@pytest.mark.parametrize("name", sorted(NEEDS_K_PLUS_ONE_ROWS))
def test_smote_ensembles_name_a_class_too_small(name):
    """Check that the SMOTE ensembles refuse a 3-row class with a message naming it."""
    with pytest.raises(DataError, match=r"'rare'.*3"):
        REGISTRY[name].build(FEATURE_TYPES, 0).fit(X_TINY, Y_TINY)


@pytest.mark.parametrize("name", sorted(set(NAMES) - NEEDS_K_PLUS_ONE_ROWS))
def test_strategy_tiny_minority_class(name):
    """Check that a class with 3 rows (below the default k=5) still fits."""
    est = REGISTRY[name].build(FEATURE_TYPES, 0).fit(X_TINY, Y_TINY)
    _check_predictions(est, X_TINY, Y_TINY)
    if name in KNN_STRATEGIES:
        notes = est.named_steps["resample"].adjustments_
        assert notes, "a 3-row class must have changed something"
        lowered = [note for note in notes if "lowered" in note]
        assert all(re.search(r"_neighbors lowered from \d+ to 2: the smallest class \('rare'\) "
                             "has 3 rows", note) for note in lowered), notes


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_strategy_skops_round_trip(name, fitted_binary):
    """Check that each fitted strategy saves with skops, trusting only library types."""
    est = fitted_binary(name)
    data = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=data)
    unsafe = [t for t in untrusted if not t.startswith(SAFE_TYPE_PREFIXES)]
    assert not unsafe
    loaded = sio.loads(data, trusted=untrusted)
    assert_array_equal(loaded.predict(X_BIN), est.predict(X_BIN))
    assert_array_equal(loaded.predict_proba(X_BIN), est.predict_proba(X_BIN))


def test_saved_models_do_not_carry_neighbour_indexes(fitted_binary):
    """Check that a saved SMOTE pipeline holds no fitted k-NN index (training rows)."""
    untrusted = sio.get_untrusted_types(data=sio.dumps(fitted_binary("smote+lr")))
    assert not [t for t in untrusted if "neighbors" in t or "KDTree" in t]


@pytest.mark.parametrize("name", ["none+hgb", "smote+hgb", "smote+lr", "weighted+rf",
                                  "tuned-threshold+lr", "easy-ensemble+ada"])
def test_strategy_handles_text_and_datetime_columns(name):
    """Check that text (TF-IDF) and datetime columns reach every kind of model."""
    rng = np.random.default_rng(3)
    n = 60
    y = np.array(["spam"] * 12 + ["ham"] * 48)
    X = pd.DataFrame({
        "amount": rng.normal(0, 1, n),
        "note": np.where(y == "spam", "win cash prize now", "meeting at noon today"),
        "sent": pd.date_range("2024-01-01", periods=n, freq="h"),
    })
    types = {"amount": "numeric", "note": "text", "sent": "datetime"}
    est = REGISTRY[name].build(types, 0).fit(X, y)
    _check_predictions(est, X, y)


# --- leakage ------------------------------------------------------------------------------------


class _CountingResampler:
    """Test double: forwards to a resampler and counts fit_resample calls."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0

    def fit_resample(self, X, y):
        self.calls += 1
        return self.inner.fit_resample(X, y)

    def fit(self, X, y):
        return self


@pytest.mark.parametrize("name", DATA_STRATEGIES, ids=DATA_STRATEGIES)
def test_data_strategy_resamples_in_fit_only(name):
    """Check that the resampler sits in the imblearn Pipeline and never runs at predict time."""
    pipe = REGISTRY[name].build(FEATURE_TYPES, 0)
    assert isinstance(pipe, Pipeline)
    assert [n for n, step in pipe.steps if hasattr(step, "fit_resample")] == ["resample"]
    spy = _CountingResampler(pipe.named_steps["resample"])
    pipe.set_params(resample=spy)
    pipe.fit(X_BIN, Y_BIN)
    assert spy.calls == 1
    assert pipe.predict(X_BIN).shape == (len(X_BIN),)
    assert pipe.predict_proba(X_BIN).shape == (len(X_BIN), 2)
    assert spy.calls == 1


@pytest.mark.parametrize("name", sorted(set(NAMES) - set(DATA_STRATEGIES)))
def test_other_strategies_have_no_resample_step(name):
    """Check that only data strategies put a resampler in the pipeline."""
    est = REGISTRY[name].build(FEATURE_TYPES, 0)
    pipe = est if hasattr(est, "steps") else est.estimator  # meta-estimators wrap a pipeline
    assert not [n for n, step in pipe.steps if hasattr(step, "fit_resample")]


# --- AdaptiveNeighbors --------------------------------------------------------------------------


def _blobs(sizes: dict, seed: int = 0, spread: float = 1.0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(spread * i, 1.0, (n, 2)) for i, n in enumerate(sizes.values())])
    y = np.concatenate([[label] * n for label, n in sizes.items()])
    return X, y


def test_adaptive_neighbors_equals_smote_when_classes_are_large():
    """Check that nothing changes (same rows as imblearn's SMOTE) when every class is big enough."""
    X, y = _blobs({"a": 40, "b": 12})
    X_ref, y_ref = SMOTE(random_state=0).fit_resample(X, y)
    sampler = AdaptiveNeighbors(SMOTE(random_state=0))
    X_res, y_res = sampler.fit_resample(X, y)
    np.testing.assert_allclose(X_res, X_ref)
    assert_array_equal(y_res, y_ref)
    assert sampler.adjustments_ == []


def test_adaptive_neighbors_lowers_k_without_touching_the_wrapped_resampler():
    """Check that k is capped at smallest class - 1 on a clone, and the clone keeps no data."""
    X, y = _blobs({"a": 30, "b": 10, "c": 4})
    inner = SMOTE(k_neighbors=5, random_state=0)
    sampler = AdaptiveNeighbors(inner)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"a": 30, "b": 30, "c": 30}
    assert inner.k_neighbors == 5
    assert sampler.resampler_.k_neighbors == 3
    assert not hasattr(sampler.resampler_, "nn_k_")
    assert sampler.adjustments_ == [
        "k_neighbors lowered from 5 to 3: the smallest class ('c') has 4 rows"
    ]


def test_adaptive_neighbors_copies_a_single_row_class():
    """Check that a class with one row is over-sampled by copies (nothing to interpolate)."""
    X, y = _blobs({"a": 20, "b": 1, "c": 6})
    X_res, y_res = AdaptiveNeighbors(SMOTE(random_state=0)).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"a": 20, "b": 20, "c": 20}
    lone = X[y == "b"][0]
    np.testing.assert_allclose(X_res[y_res == "b"], np.tile(lone, (20, 1)))


def test_adaptive_neighbors_handles_nested_smote():
    """Check that a dotted parameter (SMOTETomek's smote__k_neighbors) is adapted too."""
    from imblearn.combine import SMOTETomek

    X, y = _blobs({"a": 30, "b": 3})
    sampler = AdaptiveNeighbors(SMOTETomek(smote=SMOTE(random_state=0), random_state=0),
                                neighbor_params=("smote__k_neighbors",))
    sampler.fit_resample(X, y)
    assert sampler.resampler_.smote.k_neighbors == 2


def test_adaptive_neighbors_adasyn_falls_back_to_smote():
    """Check that ADASYN with no hard minority row generates uniformly and says so."""
    X, y = _blobs({"a": 30, "b": 8}, spread=100.0)
    with pytest.raises(DataError, match="no row of class 'b' has a neighbour of another class"):
        ADASYN(random_state=0).fit_resample(X, y)
    sampler = AdaptiveNeighbors(ADASYN(random_state=0), neighbor_params=("n_neighbors",))
    with pytest.warns(UserWarning, match="ADASYN could not weigh the rows of a class"):
        _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"a": 30, "b": 30}
    assert isinstance(sampler.resampler_, SMOTE)


def test_adaptive_neighbors_rejects_unknown_parameter():
    """Check that naming a parameter the resampler lacks is an error listing the real ones."""
    X, y = _blobs({"a": 20, "b": 6})
    sampler = AdaptiveNeighbors(SMOTE(), neighbor_params=("n_neighbours",))
    with pytest.raises(ValueError, match=r"'n_neighbours', which SMOTE does not have; its "
                                         r"neighbour parameters are \['k_neighbors'\]"):
        sampler.fit_resample(X, y)
    with pytest.raises(TypeError, match="must be a tuple of parameter names"):
        AdaptiveNeighbors(SMOTE(), neighbor_params="k_neighbors").fit_resample(X, y)
    with pytest.raises(TypeError, match="must have fit_resample"):
        AdaptiveNeighbors(LogisticRegression()).fit_resample(X, y)


_IMBLEARN_CHECKS = list(estimator_checks_generator(AdaptiveNeighbors(SMOTE(random_state=0))))


@pytest.mark.parametrize(("estimator", "check"), _IMBLEARN_CHECKS,
                         ids=[check.func.__name__ for _, check in _IMBLEARN_CHECKS])
def test_adaptive_neighbors_passes_imblearn_checks(estimator, check):
    """Check AdaptiveNeighbors against imbalanced-learn's sampler checks."""
    check(estimator)


# --- tuned-threshold strategies -----------------------------------------------------------------


def test_tuned_threshold_uses_the_minority_as_positive(fitted_binary):
    """Check that the threshold is on the minority class even when it sorts first."""
    est = fitted_binary("tuned-threshold+lr")
    assert est.classes_.tolist() == ["abnormal", "normal"]
    assert est.pos_label_ == "abnormal"
    proba = est.predict_proba(X_BIN)[:, 0]
    assert_array_equal(est.predict(X_BIN) == "abnormal", proba >= est.threshold_)


# --- SMOTE-N -------------------------------------------------------------------------------------

CATEGORICAL_TYPES = {"shop": "categorical", "band": "categorical"}


def _categorical(X):
    """The table with its numbers binned into categories: an all-categorical table."""
    band = pd.cut(X["age"].fillna(40), [-np.inf, 30, 40, 50, np.inf],
                  labels=["<30", "30s", "40s", "50+"]).astype(str)
    return pd.DataFrame({"shop": X["shop"], "band": band})


def test_smote_n_strategy_synthesises_real_categories():
    """Check that SMOTE-N's new rows hold only category pairs' values seen in training."""
    from unskew.comparison.strategies.data import build_smote_n

    X = _categorical(X_MULTI)
    X_res, y_res = build_smote_n("lr", CATEGORICAL_TYPES, 0)[:1].fit_resample(X, Y_MULTI)
    assert pd.Series(y_res).value_counts().nunique() == 1  # every class grown to the largest
    new = X_res.iloc[len(Y_MULTI):]
    assert len(new) > 0
    for column in X:
        assert set(new[column].dropna()) <= set(X[column].dropna())
    # the whole strategy fits and predicts; on small classes k is lowered instead of failing
    tiny = REGISTRY["smote-n+hgb"].build(CATEGORICAL_TYPES, 0).fit(_categorical(X_TINY), Y_TINY)
    assert any("k_neighbors lowered" in a for a in tiny.named_steps["resample"].adjustments_)
    assert set(tiny.predict(_categorical(X_TINY))) <= set(Y_TINY)


@pytest.mark.parametrize("name", ["smote-n+lr", "smote-n+hgb"])
def test_smote_n_strategy_fits_categorical_tables(name):
    """Check SMOTE-N's strategies as the generic tests check the others, on all-categorical
    binary and multi-class tables: valid predictions, deterministic for a seed."""
    for X, y in ((X_BIN, Y_BIN), (X_MULTI, Y_MULTI)):
        X = _categorical(X)
        first = REGISTRY[name].build(CATEGORICAL_TYPES, 0).fit(X, y)
        _check_predictions(first, X, y)
        second = REGISTRY[name].build(CATEGORICAL_TYPES, 0).fit(X, y)
        assert_array_equal(first.predict_proba(X), second.predict_proba(X))


def test_smote_n_strategy_applies_to_all_categorical_tables_only():
    """Check the reason compare gives for skipping SMOTE-N on a table with numbers."""
    # the strategies for other tables: all-categorical (SMOTE-N), text (augmentation, CNB)
    assert set(REGISTRY) - set(NAMES) == {"smote-n+lr", "smote-n+hgb", "augment+lr",
                                          "none+cnb"}
    reason = REGISTRY["smote-n+lr"].unfit_for(FEATURE_TYPES)
    assert "non-categorical columns (amount, age)" in reason
    assert REGISTRY["smote-n+lr"].unfit_for(CATEGORICAL_TYPES) is None
    assert REGISTRY["smote-nc+lr"].unfit_for(CATEGORICAL_TYPES) is not None


# --- SMOTE-NC ------------------------------------------------------------------------------------


def test_smote_nc_strategy_synthesises_real_categories():
    """Check that SMOTE-NC's new rows hold imputed numbers and only categories seen in training."""
    from unskew.comparison.strategies.data import build_smote_nc

    pipe = build_smote_nc("lr", FEATURE_TYPES, 0)
    X_res, y_res = pipe[:2].fit_resample(X_MULTI, Y_MULTI)
    counts = pd.Series(y_res).value_counts()
    assert counts.nunique() == 1  # every class grown to the largest
    new = X_res.iloc[len(Y_MULTI):]
    assert not new[["amount", "age"]].isna().any().any()
    assert set(new["shop"].dropna()) <= set(X_MULTI["shop"].dropna())
    # small classes: k is lowered instead of failing
    tiny = build_smote_nc("hgb", FEATURE_TYPES, 0).fit(X_TINY, Y_TINY)
    assert any("k_neighbors lowered" in a for a in tiny.named_steps["resample"].adjustments_)


@pytest.mark.parametrize(("types", "reason"), [
    ({"amount": "numeric"}, "no categorical column"),
    ({"shop": "categorical"}, "no numeric column"),
    ({"amount": "numeric", "shop": "categorical", "note": "text"}, "not text or datetime"),
])
def test_smote_nc_strategy_says_where_it_does_not_apply(types, reason):
    """Check the reasons compare gives for skipping SMOTE-NC, also inside a composite."""
    from unskew.comparison.strategies import lookup

    assert reason in REGISTRY["smote-nc+lr"].unfit_for(types)
    assert reason in lookup("vote[none+lr|smote-nc+hgb]").unfit_for(types)
    assert REGISTRY["smote-nc+lr"].unfit_for(FEATURE_TYPES) is None
