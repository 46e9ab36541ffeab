"""The notebooks: committed without outputs, each runs from a foreign working directory without errors or warnings,
the templates take their parameters, the render command writes the pages; and the helpers they call compute what
they say (on small hand-made tables whose answers are worked out by hand, and on the seed tables)."""

from __future__ import annotations

import html
import math
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import compare, paths
from analysis.engine.pipeline import build_tables
from analysis.read.sources import load_metadata
from analysis.report import notebooks as nb
from analysis.report import style

NOTEBOOKS = nb.notebook_paths()
MAX_CODE_CELLS = 10
TEMPLATE_DOC_ID = "zhongshan"  # not the template's default, so the injected parameter must take effect
NEW_DOC_ID = "newtown"  # a doc_id data/raw does not have: the new-city notebook must add a sixth notice


@pytest.fixture(scope="session")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed tables, texts and audit pages, built by the current extractor into a temporary folder.

    Built afresh rather than read from data/processed: that folder may predate the current schema or extractor,
    and tests never write into it.
    """
    out = tmp_path_factory.mktemp("processed")
    assert build_tables(paths.RAW, out, load_metadata(paths.RAW_METADATA), workers=1) == 0
    return out


@pytest.fixture(scope="session")
def tables(processed: Path) -> dict[str, pd.DataFrame]:
    return nb.load_tables(processed)


@pytest.fixture
def use_processed(processed: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the notebooks (and the kernels they start, which inherit the environment) at the built tables."""
    monkeypatch.setenv(nb.PROCESSED_ENV, str(processed))
    return processed


# ---------------------------------------------------------------------------------------------------- notebooks


def test_the_notebooks_are_there() -> None:
    names = [path.name for path in NOTEBOOKS]
    assert nb.CITY_TEMPLATE in names
    assert "20_new_city.ipynb" in names
    assert len(names) >= 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_notebook_is_thin_and_has_no_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell for cell in code if cell.outputs or cell.execution_count is not None] == []
    assert len(code) <= MAX_CODE_CELLS
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.metadata.kernelspec.name == nb.KERNEL


def _complaints(notebook: nbformat.NotebookNode) -> list[str]:
    return nb.complaints(notebook)


def test_complaints_catch_errors_stderr_and_warnings() -> None:
    from nbformat.v4 import new_output

    notebook = _tiny_notebook("a", "b", "c", "d")
    notebook.cells[1].outputs = [new_output("stream", name="stderr", text="something\n")]
    notebook.cells[2].outputs = [new_output("error", ename="KeyError", evalue="'x'", traceback=[])]
    warned = new_output("display_data", data={"text/plain": "x.py:1: FutureWarning: soon", "image/png": "Warning"})
    notebook.cells[3].outputs = [warned, new_output("stream", name="stdout", text="the notice's warnings: none\n")]
    assert [line.split(":")[0] for line in _complaints(notebook)] == ["cell 1 wrote to stderr", "cell 2", "cell 3"]


def _parameters(path: Path, tmp_path: Path) -> dict[str, object] | None:
    if path.name == nb.CITY_TEMPLATE:
        return {"doc_id": TEMPLATE_DOC_ID}
    if path.name == "20_new_city.ipynb":
        notice = tmp_path / f"{NEW_DOC_ID}.txt"
        shutil.copyfile(paths.RAW / "dongying.txt", notice)
        return {"notice_path": str(notice)}
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_from_any_directory_without_warnings(path: Path, use_processed: Path, tmp_path: Path) -> None:
    executed = nb.execute_notebook(path, _parameters(path, tmp_path), cwd=tmp_path)
    assert _complaints(executed) == []
    for cell in executed.cells:
        if cell.cell_type == "code" and "nb.show(" in cell.source:
            assert any("image/png" in output.get("data", {}) for output in cell.outputs), cell.source
    shown = "".join(str(output) for cell in executed.cells for output in cell.get("outputs", []))
    if path.name == nb.CITY_TEMPLATE:
        assert TEMPLATE_DOC_ID in shown and "shenyang" not in shown
    if path.name == "20_new_city.ipynb":
        assert NEW_DOC_ID in shown
    assert list(tmp_path.iterdir()) in ([], [tmp_path / f"{NEW_DOC_ID}.txt"])  # nothing written where it ran


def _tiny_notebook(*sources: str, parameters: str | None = None) -> nbformat.NotebookNode:
    notebook = new_notebook(
        metadata={"kernelspec": {"name": nb.KERNEL, "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells.append(new_markdown_cell("# tiny"))
    if parameters is not None:
        notebook.cells.append(new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    notebook.cells += [new_code_cell(source) for source in sources]
    return notebook


def test_render_writes_one_page_per_notebook_and_per_notice(use_processed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    count = "from analysis.report import notebooks as nb\nprint('notices:', len(nb.load_tables()['documents']))"
    nbformat.write(_tiny_notebook(count), folder / "00_count.ipynb")
    nbformat.write(
        _tiny_notebook("print('city page for', doc_id)", parameters="doc_id = 'x'"), folder / nb.CITY_TEMPLATE
    )
    nbformat.write(_tiny_notebook("raise SystemExit('not numbered: never run')"), folder / "scratch.ipynb")
    out = tmp_path / "reports"
    (out / "cities").mkdir(parents=True)
    (out / "cities" / "gone.html").write_text("a notice no longer in the tables", encoding="utf-8")
    (out / "cities" / ".written-by-analysis").write_text("gone.html\n", encoding="utf-8")  # written by an earlier run
    (out / "cities" / "mine.html").write_text("a researcher's own page", encoding="utf-8")  # never removed

    written = nb.render_notebooks(out, folder)

    doc_ids = sorted(nb.load_tables()["documents"]["doc_id"])
    expected = [out / "notebooks" / "00_count.html", *(out / "cities" / f"{doc_id}.html" for doc_id in doc_ids)]
    assert written == expected
    from analysis.tables.outputs import MANIFEST  # the record of what the tool wrote there, kept beside the pages

    assert sorted(p for p in (out / "cities").iterdir() if p.name not in (MANIFEST, "mine.html")) == expected[1:]
    assert (out / "cities" / "mine.html").exists()
    assert (out / "cities" / MANIFEST).read_text(encoding="utf-8").split() == [p.name for p in expected[1:]]
    assert f"notices: {len(doc_ids)}" in expected[0].read_text(encoding="utf-8")
    for doc_id, page in zip(doc_ids, expected[1:], strict=True):
        assert f"city page for {doc_id}" in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------- loading


def test_processed_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(nb.PROCESSED_ENV, raising=False)
    assert nb.processed_dir() == paths.PROCESSED
    monkeypatch.setenv(nb.PROCESSED_ENV, str(tmp_path))
    assert nb.processed_dir() == tmp_path.resolve()


def test_missing_tables_say_to_run_make_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(nb.PROCESSED_ENV, str(tmp_path))
    with pytest.raises(nb.TablesMissingError, match=r"run `make data` first"):
        nb.load_tables()
    with pytest.raises(nb.TablesMissingError, match=r"run `make data` first"):
        nb.audit_page("shenyang")
    with pytest.raises(nb.TablesMissingError, match=r"run `make data` first"):
        nb.render_notebooks(tmp_path / "reports")
    assert not (tmp_path / "reports").exists()


def test_tables_of_an_old_schema_say_to_run_make_data(processed: Path, tmp_path: Path) -> None:
    for table in processed.glob("*.parquet"):
        shutil.copyfile(table, tmp_path / table.name)
    pq.write_table(pa.table({"doc_id": ["shenyang"]}), tmp_path / "documents.parquet")
    with pytest.raises(nb.TablesMissingError, match=r"out of date.*run `make data` first"):
        nb.load_tables(tmp_path)


def test_audit_page_is_the_page_the_build_wrote(use_processed: Path) -> None:
    page = nb.audit_page("suining")
    assert page == (use_processed / "audit" / "suining.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------- display


def test_show_gives_a_png(tables: dict[str, pd.DataFrame]) -> None:
    from analysis.report.figures import status_figure

    image = nb.show(status_figure(tables["problems"], tables["documents"]))
    assert image.data.startswith(b"\x89PNG\r\n\x1a\n")


def test_audit_frame_embeds_the_page_escaped() -> None:
    page = '<p title="a&b">“问题” <script>x()</script></p>'
    shown = nb.audit_frame(page).data
    assert "srcdoc=" in shown
    assert page not in shown
    source = re.search(r'srcdoc="([^"]*)"', shown)
    assert source is not None
    assert html.unescape(source.group(1)) == page


# ---------------------------------------------------------------------------------------------------- frames

# 甲市 has two notices (alpha, alpha2); every share below is worked out by hand from these rows.
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["beta", "alpha", "alpha2", "delta"],
        "city": ["乙市", "甲市", "甲市", "丙市"],
        "findings": ["states 5 measures, itemises 4", "", "", ""],
        "warnings": ["date guessed; reviewer read from the title", "", "", ""],
        "unmapped_status_phrases": ["", "", "已基本落实", ""],
    }
)
PROBLEMS = pd.DataFrame(
    {
        "doc_id": ["alpha", "alpha", "alpha", "alpha2", "beta", "beta", "delta", "delta"],
        "problem_seq": pd.array([1, 2, 3, 1, 1, 2, 1, 2], dtype="Int64"),
        "label": ["1.", "2.", "3.", "(一)", "问题1", "问题2", "一、", "二、"],
        "title": ["预算", "支出", "资产", "经费", "资产闲置", "廉洁", "报销", "设备"],
        "category": [
            "budget_finance",
            "budget_finance",
            "assets",
            "budget_finance",
            "assets",
            "integrity",
            "budget_finance",
            "assets",
        ],
        "status": ["complete", "complete", "in_progress", None, "unstated", "unstated", "complete", "unstated"],
        "n_measures": pd.array([1, 2, 3, 0, 2, 4, 1, 1], dtype="Int64"),
        "n_results": pd.array([0, 0, 0, 0, 1, 0, 0, 0], dtype="Int64"),
    }
)
AMOUNTS = pd.DataFrame(
    {"doc_id": ["beta", "beta", "beta", "alpha"], "problem_seq": pd.array([2, 2, None, 1], dtype="Int64")}
)
TABLES = {"documents": DOCUMENTS, "problems": PROBLEMS, "amounts": AMOUNTS}


def test_notes_lists_each_finding_warning_and_unmapped_phrase() -> None:
    notes = nb.notes(DOCUMENTS)
    assert notes.to_dict("records") == [
        {"doc_id": "beta", "kind": "finding", "text": "states 5 measures, itemises 4"},
        {"doc_id": "beta", "kind": "warning", "text": "date guessed"},
        {"doc_id": "beta", "kind": "warning", "text": "reviewer read from the title"},
        {"doc_id": "alpha2", "kind": "unmapped status phrase", "text": "已基本落实"},
    ]
    assert list(nb.notes(DOCUMENTS.iloc[[1]]).columns) == ["doc_id", "kind", "text"]


def test_category_table_counts_found_categories_per_city() -> None:
    with style.language("en"):
        table = nb.category_table(PROBLEMS, DOCUMENTS)
        shares = nb.category_table(PROBLEMS, DOCUMENTS, value="share")
        names = [style.category_label(key) for key in ("integrity", "budget_finance", "assets")]
    assert list(table.index) == names  # codebook order, categories nobody has left out
    assert list(table.columns) == ["甲市", "乙市", "丙市"]  # city order: by first doc_id (alpha, beta, delta)
    assert table.to_numpy().tolist() == [[0, 1, 0], [3, 0, 1], [1, 1, 1]]
    assert shares["甲市"].tolist() == [0.0, 0.75, 0.25]


def test_status_table_shares_and_sizes() -> None:
    with style.language("en"):
        table = nb.status_table(PROBLEMS, DOCUMENTS)
    assert list(table.columns) == ["complete", "in progress", "not stated", "unmapped", "n"]
    assert table.loc["甲市"].tolist() == [0.5, 0.25, 0.0, 0.25, 4]
    assert table.loc["乙市", "not stated"] == 1.0
    assert table["n"].tolist() == [4, 2, 2]


def test_similarity_matrix_is_the_cosine_of_category_counts() -> None:
    matrix = nb.similarity_matrix(PROBLEMS, DOCUMENTS)
    # 乙市 (assets 1, integrity 1), 甲市 (budget 3, assets 1), 丙市 (budget 1, assets 1)
    assert matrix.loc["乙市", "丙市"] == pytest.approx(0.5)
    assert matrix.loc["乙市", "甲市"] == pytest.approx(1 / math.sqrt(20))
    assert matrix.loc["甲市", "丙市"] == pytest.approx(4 / math.sqrt(20))
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert matrix.to_numpy().diagonal() == pytest.approx([1.0, 1.0, 1.0])


def test_standing_against_the_other_cities() -> None:
    standing = nb.standing(TABLES, "beta")
    assert standing.city == "乙市"
    cats = standing.categories
    assert list(cats.index) == ["integrity", "budget_finance", "assets"]
    assert cats["count"].tolist() == [1, 0, 1]
    assert cats["share"].tolist() == [0.5, 0.0, 0.5]
    assert cats["others_mean"].tolist() == pytest.approx([0.0, (0.75 + 0.5) / 2, (0.25 + 0.5) / 2])
    assert cats.loc["assets", ["others_min", "others_max"]].tolist() == [0.25, 0.5]
    assert cats.loc["assets", "difference"] == pytest.approx(0.5 - 0.375)
    assert list(standing.measures.index) == ["乙市", "甲市", "丙市"]
    assert standing.measures.loc["乙市", "mean"] == 3.0
    assert list(standing.status.index) == ["乙市", "甲市", "丙市"]
    assert standing.similarity["city"].tolist() == ["丙市", "甲市"]
    assert standing.similarity["similarity"].tolist() == pytest.approx([0.5, 1 / math.sqrt(20)])


def test_a_notice_sharing_its_city_stands_alone() -> None:
    standing = nb.standing(TABLES, "alpha")
    assert standing.city == "甲市 (alpha)"
    assert standing.categories.loc["budget_finance", "share"] == pytest.approx(2 / 3)
    # the other cities: 甲市 now alpha2 alone (budget 1.0), 乙市 (0.0), 丙市 (0.5)
    assert standing.categories.loc["budget_finance", "others_mean"] == pytest.approx(0.5)
    assert standing.measures.index[0] == "甲市 (alpha)"
    assert set(standing.similarity["city"]) == {"甲市", "乙市", "丙市"}
    with pytest.raises(KeyError, match="no notice 'omega'"):
        nb.standing(TABLES, "omega")


def test_problem_list_names_categories_and_statuses_and_counts_amounts() -> None:
    with style.language("en"):
        listed = nb.problem_list(TABLES, "beta")
        assert listed["category"].tolist() == [style.category_label("assets"), style.category_label("integrity")]
        assert listed["status"].tolist() == ["not stated", "not stated"]
        assert nb.problem_list(TABLES, "alpha2")["status"].tolist() == ["unmapped"]
    assert listed.index.tolist() == [1, 2]
    assert listed["n_amounts"].tolist() == [0, 2]  # the amount outside any problem belongs to none


def test_combine_replaces_notices_of_the_same_doc_id() -> None:
    new_documents = pd.DataFrame({"doc_id": ["beta", "epsilon"], "city": ["乙市", "戊市"]})
    new_problems = PROBLEMS.iloc[:1].assign(doc_id="epsilon")
    combined = nb.combine(
        {"documents": DOCUMENTS[["doc_id", "city"]], "problems": PROBLEMS},
        {"documents": new_documents, "problems": new_problems},
    )
    assert combined["documents"]["doc_id"].tolist() == ["alpha", "alpha2", "delta", "beta", "epsilon"]
    # beta's two old problems are gone (the new extraction of beta has none); epsilon's one is added
    assert combined["problems"]["doc_id"].tolist() == ["alpha"] * 3 + ["alpha2", "delta", "delta", "epsilon"]


# ---------------------------------------------------------------------------------------------------- seed tables


def test_document_overview_has_one_row_per_notice_in_city_order(tables: dict[str, pd.DataFrame]) -> None:
    documents = tables["documents"]
    overview = nb.document_overview(documents)
    assert list(overview.columns) == nb.DOCUMENT_COLUMNS
    assert overview["city"].tolist() == compare.city_order(documents)
    assert sorted(overview["doc_id"]) == sorted(documents["doc_id"])


def test_document_card_shows_values_with_their_quotes(tables: dict[str, pd.DataFrame]) -> None:
    card = nb.document_card(tables, "dongying")
    document = tables["documents"].set_index("doc_id").loc["dongying"]
    evidence = tables["evidence"].query("doc_id == 'dongying'").drop_duplicates("field").set_index("field")
    assert list(card.index) == nb.CARD_FIELDS
    assert card.loc["title", "value"] == document["title"]
    for field in set(evidence.index) & set(nb.CARD_FIELDS):
        assert card.loc[field, "quote"] == evidence.loc[field, "quote"]
    dated = [f for f in nb.CARD_FIELDS if f.endswith(("_start", "_end", "_date")) and pd.notna(document[f])]
    assert dated
    for field in dated:
        assert card.loc[field, "value"] == document[field].date().isoformat()
    with pytest.raises(KeyError, match="no notice 'omega'"):
        nb.document_card(tables, "omega")


def test_loco_report_frames_agree_with_each_other() -> None:
    from analysis.categorize.assign import load_training

    gold = load_training().groupby("city_key").head(12)  # a small sample keeps the three refits quick
    gold = gold[gold["city_key"].isin(gold["city_key"].unique()[:3])].reset_index(drop=True)
    report = nb.loco_report(gold)
    n = len(gold)
    assert report.summary.loc[0, "n"] == n
    assert report.summary.loc[0, "cities"] == 3
    confusion = report.confusion.to_numpy()
    assert confusion.sum() == n
    assert report.summary.loc[0, "accuracy"] == pytest.approx(confusion.trace() / n)
    assert list(report.confusion.index) == list(report.confusion.columns)
    assert report.per_category["support"].sum() == n
    assert report.per_city["n"].sum() == n
    assert report.confused_pairs["n"].sum() == n - confusion.trace()


@pytest.fixture(scope="module")
def new_notice(tmp_path_factory: pytest.TempPathFactory) -> nb.NewNotice:
    notice = tmp_path_factory.mktemp("new") / f"{NEW_DOC_ID}.txt"
    shutil.copyfile(paths.RAW / "suining.txt", notice)
    return nb.extract_new_notice(notice)


def test_a_new_notice_is_extracted_into_memory(new_notice: nb.NewNotice) -> None:
    assert new_notice.doc_id == NEW_DOC_ID
    assert new_notice.tables["documents"]["doc_id"].tolist() == [NEW_DOC_ID]
    assert new_notice.text == (paths.RAW / "suining.txt").read_text(encoding="utf-8")
    assert new_notice.summary.startswith(f"{NEW_DOC_ID}.txt:")
    assert list(new_notice.path.parent.iterdir()) == [new_notice.path]  # nothing written beside it


def test_a_new_notice_stands_against_the_seed_cities(new_notice: nb.NewNotice, tables: dict[str, pd.DataFrame]) -> None:
    combined = nb.combine(tables, new_notice.tables)
    assert len(combined["documents"]) == len(tables["documents"]) + 1
    standing = nb.standing(combined, NEW_DOC_ID)
    # a copy of suining's notice: its city is 遂宁市 too, so it stands apart, with the same mix as the seed
    assert standing.city == f"遂宁市 ({NEW_DOC_ID})"
    assert standing.similarity.loc[0].tolist() == ["遂宁市", pytest.approx(1.0)]


def test_a_bad_notice_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"missing\.txt"):
        nb.extract_new_notice(tmp_path / "missing.txt")


def test_the_default_new_notice_is_a_seed() -> None:
    assert nb.NEW_NOTICE_DEFAULT.is_file()
    assert nb.NEW_NOTICE_DEFAULT.parent == paths.RAW


def test_notebook_paths_skip_unnumbered_notebooks(tmp_path: Path) -> None:
    for name in ("10_b.ipynb", "00_a.ipynb", "scratch.ipynb", "0_c.ipynb", "Untitled.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [path.name for path in nb.notebook_paths(tmp_path)] == ["00_a.ipynb", "10_b.ipynb"]


@pytest.mark.parametrize(
    "hostile",
    ["东营市<img src=x onerror=alert(2)>", "evil`<img src=x onerror=alert(14)>`", "[x](javascript:alert(1))", "**b**"],
)
def test_data_in_markdown_is_text_never_markup(hostile: str) -> None:
    # issue 11: a city from metadata.csv and a doc_id from a file name ran script in the city reports' heading
    from nbconvert.filters.markdown import markdown2html

    from analysis.report.notebooks import as_markdown_text

    rendered = markdown2html(f"## {as_markdown_text(hostile)}")
    # only the heading and nbconvert's own anchor link (¶) are elements; the data is text
    assert re.findall(r"<(\w+)", rendered) == ["h2", "a"] and '<a class="anchor-link"' in rendered
    text = re.sub(r"<[^>]+>", "", rendered)
    assert html.unescape(text).strip() == hostile + "¶"


def test_indicators_are_read_as_the_build_stored_them_or_computed_alike(
    processed: Path, tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    from analysis.indicators.tables import indicator_tables, stored_texts
    from analysis.tables.columns import INDICATOR_TABLES

    stored = nb.load_indicators(processed)
    assert set(stored) == set(INDICATOR_TABLES)
    computed = indicator_tables(tables, stored_texts(processed / "texts", tables["documents"]["doc_id"]))
    for name in INDICATOR_TABLES:
        pd.testing.assert_frame_equal(stored[name], computed[name])
    # a folder without them (a large corpus extracted without --indicators): computed on the spot
    bare = tmp_path / "bare"
    shutil.copytree(processed, bare, ignore=shutil.ignore_patterns(*(f"{name}.parquet" for name in INDICATOR_TABLES)))
    for name, frame in nb.load_indicators(bare).items():
        pd.testing.assert_frame_equal(frame, computed[name])
