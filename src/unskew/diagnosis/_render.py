"""Turn a :class:`Profile` into text or rich renderables; never computes anything new."""

from __future__ import annotations

from collections import Counter

_RIGHT = {"rows", "share", "overlap", "outliers", "label issues", "empty", "chars", "tokens",
          "vocabulary", "exclusive"}
_TEXT_COLUMNS = ["class", "rows", "empty", "chars", "tokens", "vocabulary", "exclusive"]
_GROUPS_SHOWN = 3  # conflict groups of each kind printed; the profile lists up to 20
_EXAMPLES_SHOWN = 3  # example rows printed per group; the profile keeps up to 5


def header_lines(profile) -> list[str]:
    """The title line and the line that says what was checked on which rows."""
    kinds = Counter(profile.feature_types.values())
    kinds_text = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    title = (
        f"{profile.name}: {profile.n_samples:,} rows, {profile.n_features} features"
        f"{f' ({kinds_text})' if kinds_text else ''}, {profile.n_classes} classes, "
        f"imbalance ratio {profile.imbalance_ratio:,.1f}:1"
    )
    lines = [title,
             f"buckets: head > {profile.head_min} rows, tail < {profile.tail_max} rows, "
             "medium in between"]
    sampled = [name for name, value in (("overlap", profile.overlap),
                                        ("label issues", profile.label_issues))
               if value is not None]
    if sampled:
        where = (f"a stratified sample of {profile.n_rows_checked:,} of "
                 f"{profile.n_samples:,} rows (small classes kept whole)" if profile.subsampled
                 else f"all {profile.n_rows_checked:,} rows")
        lines.append(f"{' and '.join(sampled)} checked on {where}")
    return lines


def class_table(profile) -> tuple[list[str], list[list[str]]]:
    """Column names and string cells of the class table, with a closing "all" row."""
    columns = ["class", "rows", "share", "bucket"]
    if profile.overlap is not None:
        columns.append("overlap")
    if profile.outliers is not None:
        columns.append("outliers")
    if profile.label_issues is not None:
        columns.append("label issues")
    rows = []
    for c, n in profile.class_counts.items():
        cells = {"class": str(c), "rows": f"{n:,}", "share": f"{n / profile.n_samples:.1%}",
                 "bucket": profile.buckets[c]}
        if profile.overlap is not None:
            cells["overlap"] = f"{profile.overlap[c]:.2f}"
        if profile.outliers is not None:
            out = profile.outliers
            cells["outliers"] = ("-" if out.both[c] is None else
                                 f"{out.both[c]:,} ({out.isolation_forest[c]:,}/"
                                 f"{out.centroid[c]:,})")
        if profile.label_issues is not None:
            cells["label issues"] = f"{profile.label_issues.by_class[c]:,}"
        rows.append([cells[k] for k in columns])
    total = {"class": "all", "rows": f"{profile.n_samples:,}", "share": "100.0%", "bucket": ""}
    if profile.overlap is not None:
        total["overlap"] = f"{profile.overlap_mean:.2f}"
    if profile.outliers is not None:
        total["outliers"] = f"{profile.outliers.n_rows:,}"
    if profile.label_issues is not None:
        total["label issues"] = f"{profile.label_issues.n_issues:,}"
    rows.append([total[k] for k in columns])
    return columns, rows


def notes(profile) -> list[str]:
    """Lines that explain the table's columns and report the row-level checks."""
    lines = []
    if profile.overlap is not None:
        lines.append(f"overlap: share of each row's {profile.settings.get('n_neighbors', 5)} "
                     "nearest neighbours from other classes (0 separated, 1 buried)")
    if profile.outliers is not None:
        lines.append("outliers: rows flagged by both IsolationForest and distance to the class "
                     f"centre (z > {profile.outliers.z_threshold:g}); in brackets, each alone")
    if profile.label_issues is not None:
        report = profile.label_issues
        on_text = (" (text columns as word and character n-gram TF-IDF, reduced by SVD beyond "
                   "10 classes)"
                   if getattr(profile, "text", None) else "")
        lines.append(f"label issues: {report.n_issues:,} suspected ({report.rate:.1%}), "
                     f"confident learning on {report.n_folds}-fold out-of-fold "
                     f"{report.model} probabilities{on_text}")
    if profile.duplicates is not None:
        dup = profile.duplicates
        lines.append(f"duplicates: {dup.n_duplicate_rows:,} rows repeat an earlier row; "
                     f"{dup.n_conflict_groups:,} groups ({dup.n_conflict_rows:,} rows) carry "
                     "conflicting labels")
    return lines


def text_blocks(profile) -> list[tuple[str, list[list[str]], list[str]]]:
    """For each text column: a title, the per-class table's cells and the lines after it."""
    blocks = []
    for column, report in (getattr(profile, "text", None) or {}).items():
        title = (f"text column {column!r}: {report.n_empty:,} empty "
                 f"({report.empty_share:.1%}); chars and tokens are mean / median per row, "
                 "exclusive is the share of a class's tokens no other class uses")
        rows = [[str(c), f"{s.rows:,}", f"{s.empty:,}",
                 f"{_num(s.mean_chars, 0)} / {_num(s.median_chars, 0)}",
                 f"{_num(s.mean_tokens)} / {_num(s.median_tokens)}", f"{s.vocabulary:,}",
                 "-" if s.exclusive_token_share != s.exclusive_token_share
                 else f"{s.exclusive_token_share:.0%}"]
                for c, s in report.by_class.items()]
        blocks.append((title, rows, _conflict_lines(report)))
    return blocks


def _num(value: float, digits: int = 1) -> str:
    return "-" if value != value else f"{value:,.{digits}f}".removesuffix(".0")


def _conflict_lines(report) -> list[str]:
    if report.n_exact_groups is None:
        return []
    searched = (f"near duplicates (similarity >= {report.near_threshold:g}) searched among "
                f"{report.near_texts:,} distinct texts, {report.near_pairs_checked:,} candidate "
                "pairs with different labels compared"
                + (" before the comparison budget ran out" if report.near_truncated else ""))
    lines = [f"conflicting labels: {_groups(report.n_exact_groups)} of identical texts "
             f"({report.n_exact_rows:,} rows), {_groups(report.n_near_groups)} of nearly "
             f"identical texts ({report.n_near_rows:,} rows); {searched}"]
    for groups in (report.exact, report.near):
        for group in groups[:_GROUPS_SHOWN]:
            kind = "same text" if group.kind == "exact" else f"similar {group.similarity:.2f}"
            shown = " | ".join(f"row {row} {label!r}: {_clip(text)}" for row, label, text
                               in list(zip(group.rows, group.labels, group.texts,
                                           strict=True))[:_EXAMPLES_SHOWN])
            lines.append(f"  {kind}, {group.n_rows:,} rows: {shown}")
    return lines


def _groups(n: int) -> str:
    return f"{n:,} group" + ("" if n == 1 else "s")


def _clip(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def timing_line(profile) -> str:
    return "timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in profile.timings.items())


def render_text(profile) -> str:
    """The plain-text summary behind ``Profile.summary()`` and ``str(profile)``."""
    columns, rows = class_table(profile)
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]

    def line(cells):
        return "  ".join(
            cell.rjust(w) if name in _RIGHT else cell.ljust(w)
            for name, cell, w in zip(columns, cells, widths, strict=True)
        ).rstrip()

    out = [*header_lines(profile), "", line(columns), *(line(r) for r in rows), ""]
    out += notes(profile)
    for title, text_rows, lines in text_blocks(profile):
        out += ["", title, *_aligned(_TEXT_COLUMNS, text_rows), *lines]
    if profile.warnings:
        out += ["", f"warnings ({len(profile.warnings)}):"]
        out += [f"- {w}" for w in profile.warnings]
    else:
        out += ["", "warnings: none"]
    out += ["", timing_line(profile)]
    return "\n".join(out)


def _aligned(columns: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    return ["  ".join(cell.rjust(w) if name in _RIGHT else cell.ljust(w)
                      for name, cell, w in zip(columns, cells, widths, strict=True)).rstrip()
            for cells in [columns, *rows]]


def render_rich(profile):
    """Rich renderables behind ``Profile.to_rich()``: header, class table, notes, warnings."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title, *rest = header_lines(profile)
    columns, rows = class_table(profile)
    table = Table(show_edge=False, header_style="bold")
    for name in columns:
        table.add_column(name, justify="right" if name in _RIGHT else "left")
    for i, cells in enumerate(rows):
        table.add_row(*cells, end_section=i == len(rows) - 2, style="dim" if i == len(rows) - 1
                      else None)
    parts = [Text(title, style="bold"), *(Text(r) for r in rest), Text(""), table, Text("")]
    parts += [Text(n, style="dim") for n in notes(profile)]
    for title, text_rows, lines in text_blocks(profile):
        text_table = Table(show_edge=False, header_style="bold")
        for name in _TEXT_COLUMNS:
            text_table.add_column(name, justify="right" if name in _RIGHT else "left",
                                  no_wrap=name != "class")
        for cells in text_rows:  # Text cells: labels are data, never rich markup
            text_table.add_row(*(Text(c) for c in cells))
        parts += [Text(""), Text(title, style="bold"), text_table]
        parts += [Text(n, style=None if i == 0 else "dim") for i, n in enumerate(lines)]
    if profile.warnings:
        parts.append(Text(f"\nwarnings ({len(profile.warnings)})", style="bold yellow"))
        for w in profile.warnings:
            text = Text("- ")
            text.append(f"[{w.code}] ", style="yellow")
            text.append(w.message)
            parts.append(text)
    else:
        parts.append(Text("\nwarnings: none", style="green"))
    parts.append(Text("\n" + timing_line(profile), style="dim"))
    return Group(*parts)
