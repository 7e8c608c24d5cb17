"""Racing in compare: beaten strategies stop early, contenders keep every fold."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unskew
from unskew.comparison._racing import Racing, _upper_bound


def test_upper_bound_is_the_corrected_t_bound():
    d = np.array([0.1, 0.3, 0.2, 0.4])
    # mean 0.25, var 1/60, corrected by (1/4 + 1/4); t(0.95, df=3) = 2.3534
    expected = 0.25 + 2.3533634 * np.sqrt(d.var(ddof=1) * 0.5)
    assert _upper_bound(d, test_train_ratio=0.25, level=0.05) == pytest.approx(expected)
    assert _upper_bound(np.array([-0.2, -0.2, -0.2]), test_train_ratio=0.25,
                        level=0.05) == pytest.approx(-0.2)


def test_a_clearly_worse_strategy_stops_and_a_close_one_does_not():
    rule = Racing(warmup=3)
    scores = {"good": [0.80, 0.82, 0.79], "bad": [0.50, 0.53, 0.49],
              "close": [0.79, 0.83, 0.78]}
    stopped = rule.stopped(scores, n_rounds=10)
    assert list(stopped) == ["bad"]
    assert stopped["bad"].startswith("dominated by good after 3 folds")


def test_no_decision_before_the_warmup_or_after_the_last_round():
    rule = Racing(warmup=3)
    worse = {"good": [0.9, 0.9], "bad": [0.1, 0.1]}
    assert rule.stopped(worse, n_rounds=10) == {}
    full = {"good": [0.9] * 10, "bad": [0.1] * 10}
    assert rule.stopped(full, n_rounds=10) == {}
    assert rule.stopped({k: v[:3] for k, v in full.items()}, n_rounds=3) == {}


def test_a_loss_is_raced_downwards():
    rule = Racing(metric="log_loss", greater_is_better=False, warmup=3)
    stopped = rule.stopped({"low": [0.20, 0.21, 0.19], "high": [0.90, 0.95, 0.91]},
                           n_rounds=10)
    assert list(stopped) == ["high"]


def test_only_contenders_lead():
    rule = Racing(warmup=3)
    scores = {"one-class": [0.95, 0.96, 0.95], "real": [0.60, 0.62, 0.61],
              "weak": [0.30, 0.31, 0.29]}
    stopped = rule.stopped(scores, n_rounds=10, contenders=["real", "weak"])
    assert "one-class" not in stopped
    assert "dominated by real" in stopped["weak"]


def test_failed_folds_are_left_out_of_the_pairs():
    rule = Racing(warmup=3)
    stopped = rule.stopped({"good": [0.8, 0.81, 0.79, 0.8], "bad": [0.3, np.nan, 0.31, 0.3]},
                           n_rounds=10)
    assert "after 3 folds" in stopped["bad"]


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_equal_strategies_are_rarely_stopped(seed):
    # two strategies with the same expected score, fold scores correlated as in K-fold CV:
    # the rule may stop one in at most alpha of the races (it is conservative: far fewer)
    rng = np.random.default_rng(seed)
    rule = Racing(warmup=3, alpha=0.05)
    n_races, n_rounds, wrong = 200, 10, 0
    for _ in range(n_races):
        shared = rng.normal(0.7, 0.05, n_rounds)  # the split's difficulty, common to both
        a = shared + rng.normal(0, 0.02, n_rounds)
        b = shared + rng.normal(0, 0.02, n_rounds)
        for r in range(3, n_rounds):
            if rule.stopped({"a": a[:r], "b": b[:r]}, n_rounds=n_rounds):
                wrong += 1
                break
    assert wrong <= 0.05 * n_races


@pytest.fixture(scope="module")
def skewed():
    rng = np.random.default_rng(0)
    n = 1000
    y = np.where(rng.random(n) < 0.04, "rare", "common")
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=list("abcd"))
    X.loc[y == "rare", ["a", "b"]] += 2.5  # rus+lr falls clearly behind none+lr
    frame = X.assign(label=y)
    return frame


STRATEGIES = ["weighted+lr", "none+lr", "rus+lr", "ros+lr"]


def _board(result):
    keep = ["strategy", "rank", "status", "n_ok", "macro_f1", "macro_f1_low", "error"]
    return result.leaderboard[keep].reset_index(drop=True)


@pytest.fixture(scope="module")
def raced(skewed):
    return unskew.compare(skewed, target="label", strategies=STRATEGIES, racing=True,
                          diagnose=False, progress=False, holdout=0, random_state=0)


def test_compare_races_when_asked(raced, skewed):
    board = raced.leaderboard.set_index("strategy")
    assert (board["status"] == "stopped").any()
    stopped = board[board["status"] == "stopped"]
    assert (stopped["n_ok"] < stopped["n_tasks"]).all()
    assert stopped["error"].str.startswith("dominated by").all()
    # stopped strategies rank after every complete one
    assert stopped["rank"].min() > board.loc[board["status"] == "ok", "rank"].max()
    full = unskew.compare(skewed, target="label", strategies=STRATEGIES, racing=False,
                          diagnose=False, progress=False, holdout=0, random_state=0)
    assert full.best_ == raced.best_
    assert (full.leaderboard["status"] == "ok").all()
    # the contenders' scores are those of the full run (same folds, same fits)
    ok = board.index[board["status"] == "ok"]
    assert np.allclose(board.loc[ok, "macro_f1"],
                       full.leaderboard.set_index("strategy").loc[ok, "macro_f1"])
    assert raced.settings["racing"] is True
    assert full.settings["racing"] is False


def test_racing_is_the_same_in_parallel_and_on_resume(raced, skewed, tmp_path):
    kwargs = dict(target="label", strategies=STRATEGIES, racing=True, diagnose=False,
                  progress=False, holdout=0, random_state=0)
    parallel = unskew.compare(skewed, n_jobs=2, out=tmp_path, **kwargs)
    pd.testing.assert_frame_equal(_board(parallel), _board(raced))
    resumed = unskew.compare(skewed, out=tmp_path, **kwargs)
    pd.testing.assert_frame_equal(_board(resumed), _board(raced))


def test_racing_defaults_follow_the_preset():
    from unskew.comparison import CompareSettings

    assert CompareSettings(preset="default").racing_on
    assert CompareSettings(preset="thorough").racing_on
    assert not CompareSettings(preset="fast").racing_on
    assert not CompareSettings(preset=None, strategies=("none+lr",)).racing_on
    off = CompareSettings(data="t.csv", target="y", racing=False)
    assert "--no-racing" in off.command_line()
    assert "racing=False" in off.python_call()
    on = CompareSettings(data="t.csv", target="y", racing=True)
    assert "racing" not in on.command_line()  # the default preset's default
    named = CompareSettings(data="t.csv", target="y", preset=None,
                            strategies=("none+lr",), racing=True)
    assert "--racing" in named.command_line().split()


def test_cli_racing_flags(tmp_path, skewed):
    from unskew.cli import main

    path = tmp_path / "t.csv"
    skewed.to_csv(path, index=False)
    code = main(["compare", str(path), "--target", "label", "--strategies",
                 ",".join(STRATEGIES), "--racing", "--folds", "3", "--repeats", "2",
                 "--holdout", "0", "--out", str(tmp_path / "out")])
    assert code == 0
    board = pd.read_csv(tmp_path / "out" / "leaderboard.csv")
    assert set(board["status"]) <= {"ok", "stopped"}
    code = main(["compare", str(path), "--target", "label", "--no-racing", "--folds", "2",
                 "--repeats", "1", "--holdout", "0", "--out", str(tmp_path / "off")])
    assert code == 0
    assert set(pd.read_csv(tmp_path / "off" / "leaderboard.csv")["status"]) <= {"ok", "degenerate"}


def test_the_report_says_which_strategies_racing_stopped(raced):
    from unskew.report import render_html

    page = render_html(raced)
    stopped = raced.leaderboard.loc[raced.leaderboard["status"] == "stopped", "strategy"]
    assert f"Racing stopped {len(stopped)} of {len(raced.leaderboard)} strategies early" in page
    assert 'class="status status-stopped"' in page
