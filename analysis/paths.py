"""Every project path, from one place: notebooks and scripts run from any working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
RAW_METADATA = RAW / "metadata.csv"
PROCESSED = DATA / "processed"
CORRECTIONS = DATA / "corrections.csv"
FIGURES = ROOT / "figures"
MODELS = ROOT / "models"  # fitted classifiers, derived from shipped files; not in git
NOTEBOOKS = ROOT / "notebooks"
DOCS = ROOT / "docs"
TEST_DATA = ROOT / "tests" / "data"
GOLD = TEST_DATA / "gold"
