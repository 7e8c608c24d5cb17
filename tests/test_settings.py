"""Tests of compare's settings table: one source for the flags, the report and the reproduce lines."""

import ast
import dataclasses
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unskew.cli import build_parser
from unskew.comparison import OPTIONS, CompareSettings

_names = st.text(alphabet="abcdefghij_ ", min_size=1, max_size=8).map(str.strip).filter(bool)


@st.composite
def _settings(draw):
    named = draw(st.booleans())
    keep = draw(st.one_of(st.booleans(), st.lists(_names, min_size=1, max_size=2).map(tuple)))
    split = draw(st.sampled_from(["groups", "time_column", None]))
    return CompareSettings(
        data=draw(st.sampled_from(["tx.csv", "binary:yeast4", "my data/t.parquet"])),
        target=draw(st.one_of(st.none(), _names)),
        drop=draw(st.one_of(st.none(), st.lists(_names, min_size=1, max_size=3).map(tuple))),
        sep=draw(st.sampled_from([None, ";", "\t", "|"])),
        decimal=draw(st.sampled_from([None, ","])),
        keep_ids=keep,
        metric=draw(st.sampled_from(["macro_f1", "mcc", "balanced_accuracy"])),
        strategies=("none+lr", "smote+lr") if named else None,
        preset=None if named else draw(st.sampled_from(["fast", "default", "thorough"])),
        folds=draw(st.integers(2, 10)), repeats=draw(st.integers(1, 3)),
        groups=draw(_names) if split == "groups" else None,
        time_column=draw(_names) if split == "time_column" else None,
        min_class_size=draw(st.one_of(st.none(), st.integers(2, 20))),
        holdout=draw(st.sampled_from([0.0, 0.2, 0.25])),
        time_budget=draw(st.one_of(st.none(), st.sampled_from([60.0, 1800.5]))),
        task_timeout=draw(st.one_of(st.none(), st.sampled_from([5.0, 120.0]))),
        n_jobs=draw(st.integers(1, 4)), random_state=draw(st.integers(0, 99)),
    )


def _from_command(command: str) -> dict:
    from unskew._cli._common import from_arguments

    argv = shlex.split(command)[1:]
    args = build_parser().parse_args(argv)
    return {"data": args.data, **from_arguments(args, OPTIONS)}


@settings(max_examples=60, deadline=None)
@given(_settings())
def test_command_line_parses_back_to_the_same_settings(recorded):
    """Check that the reproduce command, read by the real parser, gives the same settings."""
    parsed = _from_command(recorded.command_line())
    for field in dataclasses.fields(CompareSettings):
        if field.name in ("tune", "command") or (field.name == "preset" and recorded.strategies):
            continue  # named strategies make the preset irrelevant (compare records None)
        want = getattr(recorded, field.name)
        got = parsed.get(field.name)
        if field.name == "strategies":
            assert (got is None) == (want is None)
            if want is not None:
                assert got == ",".join(want)
        elif isinstance(want, tuple):
            assert tuple(got) == want
        else:
            assert got == want, field.name


@settings(max_examples=60, deadline=None)
@given(_settings())
def test_python_call_passes_the_same_keywords(recorded):
    """Check that the Python line calls compare with exactly the recorded keywords."""
    source = recorded.python_call()
    call = ast.parse(source).body[-1].value
    assert ast.unparse(call.func) == "unskew.compare"
    assert ast.literal_eval(call.args[0]) == recorded.data
    keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    for name, value in keywords.items():
        want = getattr(recorded, name)
        assert (list(want) if isinstance(want, tuple) else want) == value, name
    assert ("preset" in keywords) != ("strategies" in keywords)


def test_every_option_is_a_compare_keyword_and_a_flag(capsys):
    """Check that each row of the table is a real keyword of compare and flag of the CLI."""
    import inspect

    import unskew

    keywords = inspect.signature(unskew.compare).parameters
    parsed = vars(build_parser().parse_args(["compare", "t.csv"]))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["compare", "--help"])
    help_text = capsys.readouterr().out
    for option in OPTIONS:
        assert option.name in keywords, option.name
        assert option.name in parsed, option.name
        assert option.flag in help_text, option.flag
    fields = {f.name for f in dataclasses.fields(CompareSettings)}
    assert fields - {"data", "tune", "command"} == {o.name for o in OPTIONS}


def test_settings_dict_round_trip_and_older_keys():
    """Check that to_dict / from_dict round-trip and read older results' time / seed keys."""
    s = CompareSettings(data="t.csv", target="y", drop=("id",), time_column="day",
                        random_state=7, keep_ids=("code",))
    assert CompareSettings.from_dict(s.to_dict()) == s
    old = CompareSettings.from_dict({"time": "day", "seed": 7, "metric": "mcc"})
    assert (old.time_column, old.random_state, old.metric) == ("day", 7, "mcc")
    assert CompareSettings.recorded({"time": "d", "folds": 3}) == {"time_column", "folds"}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (CompareSettings(data=None, target="y", sep="\t", preset="fast"),
         "unskew compare YOUR_DATA.csv --target y --sep '\\t' --metric macro_f1 --preset fast "
         "--folds 5 --repeats 2 --holdout 0.2 --seed 0"),
        (CompareSettings(data="binary:yeast4", strategies=("a+lr",), preset=None, n_jobs=2),
         "unskew compare binary:yeast4 --metric macro_f1 --strategies a+lr --folds 5 "
         "--repeats 2 --holdout 0.2 --jobs 2 --seed 0"),
    ],
    ids=["frame-tab", "benchmark-named"],
)
def test_command_line_known_values(settings, expected):
    """Check the command for a frame in memory (placeholder, tab separator) and named strategies."""
    assert settings.command_line() == expected
