"""Slow: the Hugging Face Trainer integration against older transformers (``make test-compat``).

For each constraints file under ``tests/compat/`` a virtual environment is built over this
one (a ``.pth`` adds this environment's site-packages after its own, so torch 2.13, unskew and
pytest are shared and only transformers and its hub / tokenizers / accelerate of the time are
installed, with ``--no-deps``), and the Trainer, decision and finetune tests run there:
4.46.3 is the oldest supported version (no item count for models without loss kwargs,
``_get_train_sampler(self)``), 4.51.3 the last with that old sampler signature.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CONSTRAINTS = sorted((HERE / "compat").glob("transformers-*.txt"))
TESTS = ["tests/test_text_trainer.py", "tests/test_text_decision.py",
         "tests/test_text_finetune.py"]


def _build(folder: Path, constraints: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    main_site = sysconfig.get_paths()["purelib"]
    Path(purelib, "_unskew_main_env.pth").write_text(f"import site; site.addsitedir({main_site!r})\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "-r", str(constraints)], check=True)
    return python


@pytest.mark.slow
@pytest.mark.parametrize("constraints", CONSTRAINTS, ids=[c.stem for c in CONSTRAINTS])
def test_trainer_integration_on_older_transformers(tmp_path, constraints):
    """Check that the Trainer, decision and finetune tests pass under an older transformers
    (the version the constraints file pins), beside this environment's torch."""
    python = _build(tmp_path / "venv", constraints)
    want = next(line.split("==")[1].strip() for line in constraints.read_text().splitlines()
                if line.startswith("transformers=="))
    got = subprocess.run([str(python), "-c", "import transformers; print(transformers.__version__)"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert got == want
    run = subprocess.run([str(python), "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider",
                          "-q", "-m", "not slow", *TESTS], cwd=HERE.parent, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
    assert "skipped" not in run.stdout.splitlines()[-1]
