"""Tests of diagnose on text columns: per-class statistics, conflicting (near-)duplicate texts,
label issues from word + character n-gram TF-IDF, and the profile's text section."""

import difflib
import io
import json

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from unskew.datasets import load_table
from unskew.diagnosis import WARNING_CODES, TextReport, diagnose
from unskew.diagnosis import _diagnose as diagnose_module
from unskew.diagnosis._text import NEAR_THRESHOLD, _candidates, _normalise, _signatures

FAST = ()


def _profile(texts, labels, *, checks=("duplicates",), **kwargs):
    frame = pd.DataFrame({"msg": texts, "intent": labels})
    return diagnose(load_table(frame, target="intent", text=["msg"]), checks=checks,
                    random_state=0, **kwargs)


def _filler(n, label, seed=0):
    """Distinct, unrelated texts (random letters) that make no conflicts of their own."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    texts = [" ".join("".join(rng.choice(letters, 6)) for _ in range(4)) for _ in range(n)]
    return texts, [label] * n


# --- per-class statistics ---------------------------------------------------------------------

def test_text_stats_match_a_hand_count():
    """Check that rows, empties, lengths, vocabulary and exclusive share equal a hand count."""
    texts = ["reset my password", "Password reset, please!", "",
             "where is my parcel", "parcel late :(", None]
    labels = ["account"] * 3 + ["delivery"] * 3
    report = _profile(texts, labels, checks=FAST).text["msg"]
    assert isinstance(report, TextReport)
    assert (report.n_empty, report.empty_share) == (2, pytest.approx(1 / 3))
    account, delivery = report.by_class["account"], report.by_class["delivery"]
    # tokens as the TF-IDF sees them: punctuation runs and emoticons are tokens too
    # account: [reset my password] [password reset , please !] [] -> 8 tokens, 6 distinct
    assert (account.rows, account.empty) == (3, 1)
    assert (account.mean_chars, account.median_chars) == (pytest.approx(40 / 3), 17.0)
    assert (account.mean_tokens, account.median_tokens) == (pytest.approx(8 / 3), 3.0)
    assert account.vocabulary == 6
    assert account.exclusive_token_share == pytest.approx(7 / 8)  # 'my' is a delivery word too
    # delivery: [where is my parcel] [parcel late :(] [] -> 7 tokens, 6 distinct
    assert (delivery.mean_chars, delivery.median_chars) == (pytest.approx(32 / 3), 14.0)
    assert (delivery.mean_tokens, delivery.median_tokens) == (pytest.approx(7 / 3), 3.0)
    assert delivery.vocabulary == 6
    assert delivery.exclusive_token_share == pytest.approx(6 / 7)
    # the conflict search belongs to the "duplicates" check
    assert report.n_exact_groups is report.n_near_groups is None


def test_text_section_covers_the_first_five_text_columns():
    """Check that a table of six text columns gets a section for its first five, in order."""
    texts, labels = _filler(20, "a")
    frame = pd.DataFrame({f"t{i}": texts for i in range(6)} | {"y": labels[:10] + ["b"] * 10})
    dataset = load_table(frame, target="y", text=[f"t{i}" for i in range(6)])
    profile = diagnose(dataset, checks=FAST)
    assert list(profile.text) == ["t0", "t1", "t2", "t3", "t4"]


# --- conflicting duplicates -------------------------------------------------------------------

def test_exact_duplicates_with_conflicting_labels_are_named():
    """Check that texts equal up to case, punctuation and spaces with two labels form a group,
    and that a duplicate with one label does not."""
    filler, filler_labels = _filler(30, "other")
    texts = ["Cancel my order!", "cancel my  order", "Track my order", "track my order."]
    labels = ["cancel", "track", "track", "track"]
    profile = _profile(texts + filler, labels + filler_labels)
    report = profile.text["msg"]
    assert (report.n_exact_groups, report.n_exact_rows) == (1, 2)
    [group] = report.exact
    assert group.kind == "exact"
    assert group.rows == (0, 1)
    assert group.labels == ("cancel", "track")
    assert group.texts == ("Cancel my order!", "cancel my  order")
    assert set(group.classes) == {"cancel", "track"}
    [warning] = [w for w in profile.warnings if w.code == "conflicting_texts"]
    assert "conflicting_texts" in WARNING_CODES
    assert warning.columns == ("msg",)
    assert set(warning.classes) == {"cancel", "track"}
    for fragment in ("text column 'msg'", "1 group of identical texts (2 rows",
                     "row 0 'Cancel my order!' ('cancel') vs row 1 'cancel my order' ('track')"):
        assert fragment in warning.message
    assert "'Track my order'" not in warning.message


@pytest.mark.parametrize(
    ("first", "second"),
    [("reset my password please", "reset my pasword please"),
     ("where is my parcel now", "where is my parcel nov"),
     ("i want a refund for my order", "i want a refund for my orders")],
    ids=["deleted-letter", "changed-letter", "added-letter"],
)
def test_near_duplicates_with_conflicting_labels_are_found(first, second):
    """Check that two texts one character apart with different labels make a near group, and
    that a near pair sharing one label does not."""
    filler, filler_labels = _filler(40, "other")
    texts = [first, second, "how do i change my address", "how do i change my adress"]
    labels = ["account", "billing", "account", "account"]
    report = _profile(texts + filler, labels + filler_labels).text["msg"]
    assert report.n_exact_groups == 0
    assert (report.n_near_groups, report.n_near_rows) == (1, 2)
    [group] = report.near
    assert (group.kind, group.rows, group.labels) == ("near", (0, 1), ("account", "billing"))
    assert group.similarity == pytest.approx(
        difflib.SequenceMatcher(None, first, second).ratio())
    assert NEAR_THRESHOLD <= group.similarity < 1.0
    assert report.near_texts == 44


def test_punctuation_difference_is_an_exact_not_a_near_duplicate():
    """Check that texts differing only in punctuation are one exact group, not a near pair."""
    filler, filler_labels = _filler(20, "other")
    report = _profile(["Is it free?", "is it free", *filler],
                      ["pricing", "refund", *filler_labels]).text["msg"]
    assert (report.n_exact_groups, report.n_near_groups) == (1, 0)


def test_non_latin_texts_are_profiled_and_compared():
    """Check that Cyrillic and CJK texts get statistics and their conflicts are found."""
    filler, filler_labels = _filler(20, "other")
    texts = ["Где мой заказ?", "где мой  заказ", "Отменить подписку сейчас",
             "Отменит подписку сейчас", "我的包裹在哪里", "我的包裹在哪里？"]
    labels = ["delivery", "cancel", "cancel", "account", "delivery", "delivery"]
    report = _profile(texts + filler, labels + filler_labels).text["msg"]
    # где мой заказ ?, one unspaced CJK run and the full-width ？
    assert report.by_class["delivery"].vocabulary == 6
    [exact] = report.exact
    assert exact.rows == (0, 1)  # full-width '？' is punctuation too: rows 4-5 share a label
    [near] = report.near
    assert near.rows == (2, 3)


def test_no_conflicts_and_no_warning_on_clean_text():
    """Check that distinct texts and same-label duplicates raise no conflicting_texts warning."""
    texts, labels = _filler(30, "a")
    more, more_labels = _filler(10, "b", seed=1)
    profile = _profile(texts + more + texts[:3], labels + more_labels + labels[:3])
    report = profile.text["msg"]
    assert (report.n_exact_groups, report.n_near_groups) == (0, 0)
    assert not [w for w in profile.warnings if w.code == "conflicting_texts"]


def test_near_duplicate_search_recall_matches_brute_force():
    """Check that the MinHash search finds at least 95% of the conflicting pairs at ratio >= 0.9
    that comparing every pair finds, and nothing else."""
    rng = np.random.default_rng(3)
    words = ["order", "refund", "my", "card", "the", "account", "where", "is", "cancel", "please",
             "help", "password", "reset", "delivery", "late", "parcel", "change", "address"]
    texts = []
    for _ in range(150):
        base = " ".join(rng.choice(words, rng.integers(3, 7)))
        pos = int(rng.integers(len(base)))
        texts += [base, base[:pos] + "xyz"[rng.integers(3)] + base[pos + 1:]]
    labels = rng.choice(["a", "b", "c"], len(texts))
    report = _profile(texts, labels).text["msg"]
    normalised = _normalise(texts)
    label_sets = {t: set() for t in normalised}
    for text, label in zip(normalised, labels, strict=True):
        label_sets[text].add(label)
    distinct = sorted(label_sets)
    partnered = set()  # texts with a conflicting partner: labels not one and the same
    for i, a in enumerate(distinct):
        for b in distinct[i + 1:]:
            conflict = len(label_sets[a] | label_sets[b]) > 1
            if conflict and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9:
                partnered |= {a, b}
    listed = {normalised[r] for g in report.near for r in g.rows}
    assert listed <= partnered  # nothing found that the reference does not find
    reference_rows = sum(t in partnered for t in normalised)
    assert 0.95 * reference_rows <= report.n_near_rows <= reference_rows


def test_crowded_bucket_gives_bounded_pairs_and_still_finds_the_conflict():
    """Check that 3,000 texts of one template give far fewer candidate pairs than all pairs,
    and that a conflicting typo among them is still found."""
    texts = [f"order number {i:04d} status" for i in range(3000)]
    labels = ["track"] * 3000
    texts.append("order number 0500 statuss")
    labels.append("complaint")
    normalised = _normalise(texts)
    # every pair counted as conflicting: the bound holds whatever the labels
    lo, _ = _candidates(_signatures(normalised), normalised, np.arange(len(texts)))
    assert lo.size <= 24 * 20 * len(texts) < len(texts) ** 2 / 2
    report = _profile(texts, labels).text["msg"]
    [group] = report.near  # the typo sits within 0.9 of many numbers, 0500 among them
    assert group.rows[0] == 0
    assert 3000 in group.rows
    assert group.classes == ("track", "complaint")


def test_near_duplicate_search_stays_within_max_rows():
    """Check that near duplicates are searched among the texts of at most max_rows rows."""
    texts, labels = _filler(300, "a")
    more, more_labels = _filler(30, "b", seed=2)
    report = _profile(texts + more, labels + more_labels, max_rows=100).text["msg"]
    assert report.near_texts <= 100
    assert report.n_exact_groups == 0


# --- label issues from TF-IDF n-grams ---------------------------------------------------------

def test_planted_mislabelled_text_is_found_among_label_issues():
    """Check that a CJK text of one class labelled as the other is flagged with its true class.

    The sentences have no spaces, so a word TF-IDF sees each as one unseen token; the character
    n-grams of ``unskew.text.TextVectorizer`` see the shared vocabulary.
    """
    rng = np.random.default_rng(0)
    refund, shipping = list("退款钱返还取消订单费用"), list("快递包裹送货运输到达物流")
    texts = ["".join(rng.choice(refund, 8)) for _ in range(60)]
    texts += ["".join(rng.choice(shipping, 8)) for _ in range(40)]
    labels = ["refund"] * 60 + ["shipping"] * 40
    planted = 75
    texts[planted] = "".join(rng.choice(refund, 8))
    profile = _profile(texts, labels, checks=("label_issues",))
    first = profile.label_issues.issues[0]  # the most confident
    assert (first.row, first.label, first.suggested) == (planted, "shipping", "refund")
    assert profile.label_issues.n_issues <= 2  # a word TF-IDF flags the whole minority class
    assert "word and character n-gram TF-IDF" in profile.summary()


def test_many_classes_read_the_svd_view_and_still_find_the_planted_text(monkeypatch):
    """Check that beyond 10 classes label issues read the n-grams' dense SVD view, and that a
    planted CJK text is still the one flagged."""
    chars = list(dict.fromkeys("退款钱返还取消订单费用快递包裹送货运输到达物流账户密码登录修改"
                               "邮箱手机号码绑定会员积分优惠券折扣活动发票抬头税号开具电子纸质"
                               "商品质量破损换货尺码颜色库存预售"))
    rng = np.random.default_rng(2)
    texts, labels = [], []
    for k in range(12):
        texts += ["".join(rng.choice(chars[6 * k:6 * k + 6], 8)) for _ in range(25)]
        labels += [f"c{k:02d}"] * 25
    planted = 28  # a c01 row with a (long) c05 text
    texts[planted] = "".join(rng.choice(chars[30:36], 16))
    views = []
    original = diagnose_module._text_view
    monkeypatch.setattr(diagnose_module, "_text_view",
                        lambda *a, **k: views.append(k["dense"]) or original(*a, **k))
    frame = pd.DataFrame({"msg": texts, "intent": labels})
    profile = diagnose(load_table(frame, target="intent", text=["msg"]),
                       checks=("label_issues",), random_state=2)
    assert views == [True]
    assert profile.label_issues.model == "LogisticRegression"
    [issue] = profile.label_issues.issues
    assert (issue.row, issue.label, issue.suggested) == (planted, "c01", "c05")


def test_all_empty_text_column_does_not_break_the_checks():
    """Check that a text column empty on every row is left out of the encodings, not fatal."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=60), "note": [""] * 30 + [None] * 30,
                          "y": ["a"] * 40 + ["b"] * 20})
    profile = diagnose(load_table(frame, target="y", text=["note"]), random_state=0)
    assert profile.text["note"].n_empty == 60
    assert profile.label_issues is not None
    assert profile.overlap is not None


# --- numeric tables unchanged, rendering ------------------------------------------------------

def test_numeric_profile_has_no_text_section_and_keeps_its_numbers(monkeypatch):
    """Check that a KEEL benchmark never reaches the text code and keeps its profile numbers."""
    def boom(*args, **kwargs):
        raise AssertionError("text code ran on a table without text")

    monkeypatch.setattr(diagnose_module, "text_report", boom)
    monkeypatch.setattr(diagnose_module, "TextVectorizer", boom)
    profile = diagnose("binary:yeast4", random_state=0)
    assert profile.text is None
    record = profile.to_dict()
    assert record["text"] is None
    # the numbers of the profile before text support (commit 736a24e)
    assert record["label_issues"]["n_issues"] == 22
    assert record["overlap_mean"] == pytest.approx(0.04649595687331533)
    assert record["duplicates"]["n_duplicate_rows"] == 31
    assert [w["code"] for w in record["warnings"]] == ["high_overlap", "label_issues"]
    assert profile.label_issues.model == "HistGradientBoostingClassifier"
    assert "text column" not in profile.summary()


def test_profile_renders_and_saves_the_text_section(tmp_path):
    """Check that summary, rich and JSON show the statistics and the groups, markup kept literal."""
    filler, filler_labels = _filler(30, "other")
    texts = ["[bold]Reset my password", "[bold]reset my password!", "reset my pasword", *filler]
    labels = ["account", "billing", "account", *filler_labels]
    profile = _profile(texts, labels)
    console = Console(width=250, record=True, file=io.StringIO())
    console.print(profile.to_rich())
    for text in (profile.summary(), console.export_text()):
        assert "text column 'msg': 0 empty (0.0%)" in text
        assert "conflicting labels: 1 group of identical texts (2 rows)" in text
        assert "row 0 'account': '[bold]Reset my password'" in text
        assert "vocabulary" in text
    path = tmp_path / "profile.json"
    profile.to_json(path)
    [section] = json.loads(path.read_text())["text"]
    assert section["column"] == "msg"
    assert [c["label"] for c in section["classes"]] == list(profile.class_counts)
    assert section["exact"][0]["rows"] == [0, 1]
    assert section["exact"][0]["texts"][0] == "[bold]Reset my password"
    assert section["n_near_groups"] == profile.text["msg"].n_near_groups
