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


def remove_stale(folder: Path, keep: list[Path], pattern: str) -> None:
    """Remove generated files of notices no longer among the inputs, so a folder matches its tables."""
    for path in folder.glob(pattern):
        if path not in keep:
            path.unlink()
