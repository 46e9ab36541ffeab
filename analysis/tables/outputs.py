"""Files the build writes besides the tables: the texts spans index, and per-notice pages."""

from __future__ import annotations

from pathlib import Path


def write_texts(texts: dict[str, str], out_dir: Path) -> list[Path]:
    """Store the text each notice's spans index (for .txt notices, the decoded raw file), one UTF-8 file each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc_id, text in sorted(texts.items()):
        path = out_dir / f"{doc_id}.txt"
        tmp = path.with_suffix(".txt.tmp")
        tmp.write_text(text, encoding="utf-8", newline="")
        tmp.replace(path)
        written.append(path)
    remove_stale(out_dir, written, "*.txt")
    return written


# In each folder of generated files, the list of the files the tool wrote there: only those are ever removed.
MANIFEST = ".written-by-analysis"


def remove_stale(folder: Path, keep: list[Path], pattern: str) -> None:
    """Remove the files this tool wrote earlier into `folder` for notices no longer among the inputs, so the folder
    matches its tables; then record `keep` as what it wrote. A file it did not write (a researcher's own, or one
    from before the record was kept) is never removed, whatever its name."""
    record = folder / MANIFEST
    try:
        earlier = {line for line in record.read_text(encoding="utf-8").splitlines() if line}
    except FileNotFoundError:
        earlier = set()
    names = {path.name for path in keep}
    for name in sorted(earlier - names):
        path = folder / name
        if Path(name).name == name and path.match(pattern) and path.is_file() and not path.is_symlink():
            path.unlink()
    tmp = record.with_name(record.name + ".tmp")
    tmp.write_text("".join(f"{name}\n" for name in sorted(names)), encoding="utf-8")
    tmp.replace(record)
