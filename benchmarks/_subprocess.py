"""Run one benchmark measurement in a fresh subprocess, with a wall-clock cap.

A fresh process per measurement gives each its own peak RSS and keeps one contender's caches
and allocator state away from the next. The benchmark script re-runs itself with
``--measure SPEC`` and prints the result as JSON on its last line.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys


def rss_mb() -> float:
    """Resident memory of this process in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_measurement(script: str, spec: dict, cap_s: float) -> dict:
    """Run ``script --measure SPEC`` on one thread; ``{"timeout": True}`` if it ran out."""
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    try:
        out = subprocess.run([sys.executable, script, "--measure", json.dumps(spec)],
                             capture_output=True, text=True, timeout=cap_s, env=env, check=True)
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    except subprocess.CalledProcessError as exc:
        return {"error": exc.stderr.strip().splitlines()[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def cell(result: dict, key: str, fmt: str) -> str:
    """A table cell for one measurement: the value, or why there is none."""
    if result.get("timeout"):
        return "did not finish"
    if "error" in result:
        return "error"
    if key not in result:
        return "not run"
    return fmt.format(result[key])


def command_line(script: str, argv) -> str:
    """How this run was started, for the result file (``argv=None``: the real command line)."""
    return shlex.join(["python", f"benchmarks/{os.path.basename(script)}",
                       *(sys.argv[1:] if argv is None else argv)])
