"""Folders of generated files that may hold a researcher's own files too: only what the tool wrote is removed."""

from __future__ import annotations

from pathlib import Path

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
