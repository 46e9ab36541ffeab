"""The evaluate command: the JSON a researcher (or an evaluator) reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analysis.paths import GOLD, RAW, ROOT


def test_evaluate_json_reports_fields_and_category_agreement(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=ROOT, capture_output=True, text=True)

    assert run("extract", str(RAW), "--out", str(tmp_path)).returncode == 0
    done = run("evaluate", "--gold", str(GOLD), "--extraction", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["problems_found"]["overall"]["matched"] == 144
    assert result["documents"]["reviewer"]["precision"] == 1.0
    assert 0 <= result["category_loco_accuracy"] <= 1
    # Issue 14's target is 0.80; measured 0.800 with the 511 real statements of other agencies in training.
    assert result["category_loco_kappa"] >= 0.79
    transfer = result["category_transfer"]["loso"]
    assert result["category_loso_kappa"] == transfer["kappa"] >= 0.74
    assert transfer["kappa_ci95"][0] <= transfer["kappa"] <= transfer["kappa_ci95"][1]
    assert set(transfer["per_agency_type"]) >= {"court_procuratorate", "hospital", "school_university"}
