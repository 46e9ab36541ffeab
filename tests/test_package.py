"""The data package: CSV copies and a Frictionless descriptor generated from the column metadata."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from analysis.engine.batch import extract_batch
from analysis.paths import RAW, ROOT
from analysis.tables.columns import INDICATOR_TABLES, TABLES
from analysis.tables.io import read_tables
from analysis.tables.package import descriptor


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    notices = tmp_path_factory.mktemp("notices")
    shutil.copy(RAW / "shenyang.txt", notices)  # 14 amounts, some with fen
    folder = tmp_path_factory.mktemp("out") / "tables"
    extract_batch([notices], folder, workers=1, progress=False, audit=False, indicators=None)
    return folder


def test_the_descriptor_names_every_table_column_and_key() -> None:
    package = descriptor()
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert set(resources) == set(TABLES)
    for name, table in TABLES.items():
        schema = resources[name]["schema"]
        assert [field["name"] for field in schema["fields"]] == table.column_names
        assert schema["primaryKey"] == list(table.primary_key)
        assert all(field["description"] for field in schema["fields"])
    problems = resources["problems"]["schema"]
    assert {"fields": ["doc_id"], "reference": {"resource": "documents", "fields": ["doc_id"]}} in problems[
        "foreignKeys"
    ]
    status = next(field for field in problems["fields"] if field["name"] == "status")
    assert "complete" in status["constraints"]["enum"]


def test_the_output_folder_carries_the_package_with_the_indicator_tables(out: Path) -> None:
    written = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    names = [resource["name"] for resource in written["resources"]]
    assert names == [*TABLES, *INDICATOR_TABLES]  # a small corpus: the indicators are computed when not asked otherwise
    assert written == json.loads(json.dumps(descriptor(names)))
    for resource in written["resources"]:
        assert (out / resource["path"]).is_file()


def test_csv_copies_hold_the_same_rows_and_exact_money(out: Path) -> None:
    tables = read_tables(out)
    for name in TABLES:
        copy = pd.read_csv(out / "csv" / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(copy.columns) == TABLES[name].column_names
        assert len(copy) == len(tables[name])
    amounts = pd.read_csv(out / "csv" / "amounts.csv", dtype=str, keep_default_na=False)
    assert [Decimal(value) for value in amounts["yuan"]] == list(tables["amounts"]["yuan"])


def test_the_repository_can_be_cited() -> None:
    yaml = pytest.importorskip("yaml")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["title"] and citation["authors"]
