"""The settings of one ``compare`` run, and the one table that names each of them.

:data:`OPTIONS` is the single source of every setting's keyword of :func:`unskew.compare`,
command-line flag and help: the ``unskew compare`` parser is built from it (in ``_cli``), and
the report's
"reproduce" lines (:meth:`CompareSettings.command_line`, :meth:`CompareSettings.python_call`)
render from it, so the three can never drift apart.
"""

from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass
from typing import ClassVar

PRESETS = ("fast", "default", "thorough")
TEXT_ENCODERS = ("tfidf", "minilm")
EXECUTORS = ("local", "dask")
DATA_PLACEHOLDER = "YOUR_DATA.csv"  # the command's stand-in for a data frame passed in memory
FRAME_PLACEHOLDER = "frame"  # the Python line's


@dataclass(frozen=True)
class Option:
    """One setting: its keyword of ``compare``, its flag, and how the flag reads it.

    ``kind`` is ``"value"`` (one value), ``"list"`` (one or more values), ``"names"`` (a
    comma-separated list in one argument), ``"flag_or_list"`` (the bare flag means True,
    with values a list of them), or ``"bool"`` (``--flag`` / ``--no-flag``; unset: None).
    """

    name: str
    flag: str
    help: str
    default: object = None
    kind: str = "value"
    type: type = str
    metavar: str | None = None
    choices: tuple | None = None
    short: str | None = None
    group: str | None = None  # flags of one group exclude each other


# the data-reading options shared with `unskew diagnose` come first
DATA_OPTIONS = (
    Option("target", "--target", "the label column (for a table)", metavar="COL", short="-t"),
    Option("drop", "--drop", "columns to leave out of the features (e.g. ids)", kind="list",
           metavar="COL"),
    Option("text", "--text", "columns to treat as free text", kind="list", metavar="COL"),
    Option("categorical", "--categorical", "columns to treat as categories (not free text)",
           kind="list", metavar="COL"),
    Option("sep", "--sep", "CSV field separator (default: detected among , ; tab |)",
           metavar="CHAR"),
    Option("decimal", "--decimal", "CSV decimal mark (default: '.', or ',' when detected)",
           metavar="CHAR"),
)
OPTIONS = (
    *DATA_OPTIONS,
    Option("keep_ids", "--keep-ids", "keep columns that look like row identifiers as features "
           "(all of them, or those named); by default they are left out", default=False,
           kind="flag_or_list", metavar="COL"),
    Option("metric", "--metric", "selection metric (default: macro_f1; all others are "
           "reported)", default="macro_f1", short="-m"),
    Option("text_encoder", "--text-encoder", "features of text columns: word and character "
           "n-gram TF-IDF, or embeddings of the local all-MiniLM-L6-v2 model (needs "
           "unskew[text]) (default: tfidf)", default="tfidf", choices=TEXT_ENCODERS),
    Option("strategies", "--strategies", "comma-separated strategy names (list them with "
           "`unskew strategies`)", kind="names", metavar="A,B,...", short="-s",
           group="strategies"),
    Option("preset", "--preset", "which catalogue of strategies to run (default: default)",
           default="default", choices=PRESETS, group="strategies"),
    Option("folds", "--folds", "folds (default: 5)", default=5, type=int, short="-k"),
    Option("repeats", "--repeats", "repeats of the K-fold (default: 2, or 1 when the "
           "selection data has 100,000 rows or more)", type=int,
           short="-r"),
    Option("groups", "--groups", "keep each value of COL (a patient, a customer) in one fold",
           metavar="COL", group="split"),
    Option("time_column", "--time", "split forward in time along COL (train on the past)",
           metavar="COL", group="split"),
    Option("min_class_size", "--min-class-size", "drop classes with fewer than N rows",
           type=int, metavar="N"),
    Option("holdout", "--holdout", "share of rows held out for the winner's honest score "
           "(default 0.2)", default=0.2, type=float),
    Option("racing", "--racing", "stop strategies that are clearly beaten after the first "
           "3 folds and spend the rest on the contenders (default: on for the default and "
           "thorough presets; --no-racing runs every fold)", kind="bool"),
    Option("time_budget", "--time-budget", "skip strategies not started after S seconds",
           type=float, metavar="S"),
    Option("task_timeout", "--task-timeout", "stop one strategy's fit on one fold after S "
           "seconds (recorded as timed out; the run goes on)", type=float, metavar="S"),
    Option("n_jobs", "--jobs", "worker processes (default 1)", default=1, type=int, short="-j"),
    Option("executor", "--executor", "where the tasks run: local processes, or Dask workers "
           "(needs unskew[dask]; same results) (default: local)", default="local",
           choices=EXECUTORS),
    Option("scheduler", "--scheduler", "address of a running dask.distributed scheduler "
           "(default with --executor dask: a local cluster of --jobs workers)",
           metavar="ADDRESS"),
    Option("sample_rows", "--sample-rows", "for data read lazily (a directory of Parquet "
           "files, a Dask DataFrame): rows each fold trains on, every row of the smaller "
           "classes kept (default: what fits a quarter of a worker's memory)", type=int,
           metavar="N"),
    Option("random_state", "--seed", "random seed (default: 0)", default=0, type=int),
)
_BY_NAME = {o.name: o for o in OPTIONS}
# defaults the reproduce lines leave out (older results did not have them)
_UNSAID_DEFAULTS = {"n_jobs": 1, "text_encoder": "tfidf", "executor": "local"}
_UNSAID = object()
# keys of results written before the settings were named after compare's keywords
_LEGACY_KEYS = {"time": "time_column", "seed": "random_state"}


def _plain(value):
    """A settings value as plain Python (numpy scalars and tuples unwrapped).

    Duck-typed so this module imports nothing beyond the standard library.
    """
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if getattr(value, "shape", None) == () and callable(getattr(value, "item", None)):
        return value.item()  # a numpy scalar
    return value


@dataclass(frozen=True)
class CompareSettings:
    """What one :func:`unskew.compare` run was asked to do: data, splits, strategies, limits.

    Field names are the keywords of :func:`unskew.compare`; :data:`OPTIONS` gives each
    one's command-line flag. ``data`` is what the user passed (a file path or a benchmark name;
    None for a data frame in memory); ``strategies`` the names run, ``preset`` the catalogue
    they came from (None when they were named).

    Examples
    --------
    >>> s = CompareSettings(data="loans.csv", target="default", drop=("id",), folds=3)
    >>> s.command_line()
    'unskew compare loans.csv --target default --drop id --metric macro_f1 --preset default --folds 3 --repeats 2 --holdout 0.2 --seed 0'
    >>> print(s.python_call())
    import unskew
    result = unskew.compare('loans.csv', target='default', drop=['id'], metric='macro_f1', preset='default', folds=3, repeats=2, holdout=0.2, random_state=0)
    """

    #: what the command line and the Python line write for a data frame passed in memory
    DATA_PLACEHOLDER: ClassVar[str] = DATA_PLACEHOLDER
    FRAME_PLACEHOLDER: ClassVar[str] = FRAME_PLACEHOLDER

    data: str | None = None
    target: str | None = None
    drop: tuple | None = None
    text: tuple | None = None
    categorical: tuple | None = None
    sep: str | None = None
    decimal: str | None = None
    keep_ids: bool | tuple = False
    metric: str = "macro_f1"
    text_encoder: str = "tfidf"
    strategies: tuple | None = None
    preset: str | None = "default"
    folds: int = 5
    repeats: int | None = 2
    groups: str | None = None
    time_column: str | None = None
    min_class_size: int | None = None
    holdout: float = 0.2
    racing: bool | None = None
    time_budget: float | None = None
    task_timeout: float | None = None
    n_jobs: int = 1
    executor: str = "local"
    scheduler: str | None = None
    sample_rows: int | None = None
    random_state: int = 0
    tune: bool | None = None
    command: str | None = None

    def default_racing(self) -> bool:
        """Whether racing is on when not asked for: for the default and thorough presets."""
        return self.preset in ("default", "thorough")

    @property
    def racing_on(self) -> bool:
        """Whether this run races (``racing``, or the preset's default when it is None)."""
        return self.default_racing() if self.racing is None else bool(self.racing)

    @staticmethod
    def recorded(settings: dict) -> set:
        """The field names a settings dict holds (older results' keys translated)."""
        return {_LEGACY_KEYS.get(key, key) for key in settings or {}}

    @classmethod
    def from_dict(cls, settings: dict) -> CompareSettings:
        """Read :meth:`to_dict` back (also older results' ``time`` / ``seed`` keys)."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for key, value in (settings or {}).items():
            key = _LEGACY_KEYS.get(key, key)
            if key in names:
                values[key] = tuple(value) if isinstance(value, list) else value
        return cls(**values)

    def to_dict(self) -> dict:
        """The settings as a JSON-ready dict keyed by ``compare``'s keywords."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def _passed(self, only):
        """(option, value) of the settings that the reproduce lines must pass, in order."""
        for option in OPTIONS:
            if only is not None and option.name not in only:
                continue
            value = _plain(getattr(self, option.name))
            if option.kind == "bool":
                if value is not None and value != self.default_racing():
                    yield option, value  # only racing is "bool": said when not the default
                continue
            if value is None or value is False or value == []:
                continue
            preset = self.preset if only is None or "preset" in only else None
            if (option.name == "strategies" and preset) \
                    or _UNSAID_DEFAULTS.get(option.name, _UNSAID) == value:
                continue  # the preset names the strategies; the others are the defaults
            yield option, value

    def command_line(self, only=None) -> str:
        """An ``unskew compare`` command equivalent to these settings (shell-quoted).

        A data frame passed in memory becomes ``YOUR_DATA.csv``. ``only`` (a set of field
        names) limits the flags to those settings, e.g. the ones a result recorded.
        """
        parts = ["unskew", "compare", DATA_PLACEHOLDER if self.data is None else str(self.data)]
        for option, value in self._passed(only):
            if option.kind == "bool":
                parts.append(option.flag if value else "--no-" + option.flag[2:])
            elif option.kind == "names":
                parts += [option.flag, ",".join(map(str, value))]
            elif isinstance(value, list):
                parts += [option.flag, *map(str, value)]
            elif value is True:
                parts.append(option.flag)
            else:  # a tab separator is typed --sep '\t'
                parts += [option.flag, "\\t" if value == "\t" else str(value)]
        return " ".join(shlex.quote(p) for p in parts)

    def python_call(self, only=None) -> str:
        """The ``unskew.compare(...)`` call equivalent to these settings (Python source).

        A data frame passed in memory is written as the name ``frame``, with a comment;
        ``only`` as in :meth:`command_line`.
        """
        args = [FRAME_PLACEHOLDER if self.data is None else repr(str(self.data))]
        args += [f"{option.name}={value!r}" for option, value in self._passed(only)]
        if self.tune is not None and bool(self.tune) != (self.preset == "thorough"):
            args.append(f"tune={bool(self.tune)!r}")  # not compare's default for this preset
        lines = ["import unskew"]
        if self.data is None:
            lines.append(f"# {FRAME_PLACEHOLDER}: the pandas DataFrame this run was given")
        return "\n".join([*lines, "result = unskew.compare(" + ", ".join(args) + ")"])


def flag_of(name: str) -> str:
    """The command-line flag of a ``compare`` keyword (``"time_column"`` -> ``"--time"``).

    Examples
    --------
    >>> flag_of("time_column"), flag_of("n_jobs")
    ('--time', '--jobs')
    """
    return _BY_NAME[name].flag
