"""Rich renderables shared by commands."""

from __future__ import annotations


def leaderboard_table(result, limit: int = 60):
    """The leaderboard of a CompareResult as a rich Table (best first)."""
    import math

    from rich.markup import escape
    from rich.table import Table

    metric = result.settings["metric"]
    table = Table(title=f"{result.dataset['name']}: strategies ranked by {metric} "
                        f"({result.settings['folds']}-fold x {result.settings['repeats']})")
    for column, justify in (("rank", "right"), ("strategy", "left"), (metric, "right"),
                            ("95% CI", "right"), ("p vs best", "right"),
                            ("bal. acc", "right"), ("fit s", "right"), ("status", "left")):
        table.add_column(column, justify=justify, no_wrap=column in ("strategy", "95% CI"))
    for row in result.leaderboard.head(limit).to_dict(orient="records"):
        ok = not math.isnan(row[metric])
        table.add_row(
            "" if math.isnan(row["rank"]) else str(int(row["rank"])), escape(row["strategy"]),
            f"{row[metric]:.3f}" if ok else "-",
            f"[{row[metric + '_low']:.3f}, {row[metric + '_high']:.3f}]" if ok else "-",
            f"{row['p_vs_best']:.3f}" if ok else "-",
            f"{row['balanced_accuracy']:.3f}" if ok else "-",
            f"{row['fit_time']:.2f}" if not math.isnan(row["fit_time"]) else "-",
            _status(row),
        )
    return table


def _status(row) -> str:
    """The status cell: ok, or the status with the start of its reason (a stopped strategy
    is not an error: it was shown to be behind, so it is dim, not red)."""
    from rich.markup import escape

    if row["status"] == "ok":
        return "ok"
    if row["status"] == "stopped":
        leader = row["error"].split(" after ")[0]
        return f"[dim]stopped[/]: {escape(leader)}"
    return f"[red]{row['status']}[/]: {escape(row['error'][:60])}"
