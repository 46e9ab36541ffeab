"""The output folder as whole generations: a run writes a new generation beside the old one and switches to it at
once, so a reader sees the old outputs or the new ones, never a mix, whenever the run is killed.

The new generation is a sibling folder `.<name>.new-<token>`. On Linux the switch is one `renameat2` call with
RENAME_EXCHANGE, which swaps the two folders atomically; elsewhere it is two renames, and a run that finds the
output folder missing beside a `.<name>.old-<token>` puts the old generation back before doing anything else.

Only what this tool wrote is ever replaced: the list of every file a generation holds is kept in it (MANIFEST), and
an output folder holding anything else (a researcher's notes, another program's files) is refused, not replaced.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import uuid
from collections.abc import Callable
from pathlib import Path

from analysis.tables.columns import TABLES
from analysis.tables.outputs import MANIFEST

# Files and folders of earlier versions, which kept no manifest at the top (texts/ and audit/ kept their own).
_LEGACY_NAMES = {*(f"{name}.parquet" for name in TABLES), "tables.xlsx", ".gitkeep"}
_LEGACY_FOLDERS = ("texts", "audit")
KEEP_ALWAYS = (".gitkeep",)  # a placeholder a repository keeps in its output folder: carried into every generation
# Environment variable naming a point at which the run kills itself with SIGKILL: the kill tests' fault injection.
KILL_AT = "ANALYSIS_KILL_AT"


class OutputFolderError(Exception):
    """An output folder the run must not replace; its message is one line for the researcher."""


def kill_point(name: str) -> None:
    """Die here, as a killed process does, when ANALYSIS_KILL_AT names this point (tests only)."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def foreign_files(out_dir: Path, legacy: Callable[[str], bool] | None = None) -> list[str]:
    """Paths under `out_dir` (relative, sorted) that no generation of this tool wrote. In a folder that has no
    manifest yet (written before generations), `legacy` says which top-level file names earlier versions wrote."""
    if not out_dir.exists():
        return []
    if not out_dir.is_dir() or out_dir.is_symlink():
        return ["."]
    owned = _owned(out_dir)
    earlier = legacy if legacy is not None and not (out_dir / MANIFEST).is_file() else None
    found = []
    for root, folders, files in os.walk(out_dir):
        base = Path(root).relative_to(out_dir)
        for name in files:
            relative = (base / name).as_posix()
            if relative not in owned and not (earlier is not None and base == Path(".") and earlier(name)):
                found.append(relative)
        for name in folders:
            if (Path(root) / name).is_symlink():
                found.append((base / name).as_posix())
    return sorted(found)


def _owned(out_dir: Path) -> set[str]:
    manifest = out_dir / MANIFEST
    if manifest.is_file():
        return {*_lines(manifest), MANIFEST, *KEEP_ALWAYS}
    owned = set(_LEGACY_NAMES)
    for folder in _LEGACY_FOLDERS:
        listed = out_dir / folder / MANIFEST
        if listed.is_file():
            owned |= {f"{folder}/{name}" for name in _lines(listed)} | {f"{folder}/{MANIFEST}"}
    return owned


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line]


def prepare(out_dir: Path, legacy: Callable[[str], bool] | None = None) -> Path:
    """Check that `out_dir` may be replaced, repair an interrupted switch, clear stale generations, and return a new
    empty generation folder beside it. Raises OutputFolderError, leaving everything as it was, when it may not.

    `legacy`: see `foreign_files`."""
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(out_dir if out_dir.is_dir() else parent)
    try:
        staging = _prepared(out_dir, legacy)
    except BaseException:
        _unlock(lock)
        raise
    _LOCKS[staging] = lock
    return staging


def _prepared(out_dir: Path, legacy: Callable[[str], bool] | None) -> Path:
    parent = out_dir.parent
    _recover(out_dir)
    foreign = foreign_files(out_dir, legacy)
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise OutputFolderError(
            f"{out_dir}: holds files this tool did not write ({shown}) — choose a new or empty folder, or move "
            "them; nothing was written"
        )
    for stale in parent.glob(f".{out_dir.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging = parent / f".{out_dir.name}.new-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    for name in KEEP_ALWAYS:
        if (out_dir / name).is_file():
            shutil.copy2(out_dir / name, staging / name)
    return staging


def _recover(out_dir: Path) -> None:
    """Finish what a killed fallback switch left: the old generation put back, leftovers of old ones removed."""
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"))
    if olds and not out_dir.exists():
        olds[-1].rename(out_dir)
        olds = olds[:-1]
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


def write_manifest(staging: Path) -> None:
    """Record every file of the new generation as written by this tool (the last file written before the switch).

    The relative paths, sorted, are written folder by folder: only one folder's names are held at a time (texts/ and
    audit/ have one file per notice), not every path of the generation.
    """
    top = _sorted_entries(staging)  # before the manifest itself exists
    with (staging / MANIFEST).open("w", encoding="utf-8") as manifest:
        _write_files(staging, "", top, manifest.write)


def _sorted_entries(folder: Path) -> list[tuple[str, bool]]:
    """The entries of `folder` as (name, is a link), a subfolder's name with its "/", sorted.

    With the "/", a subfolder sorts where the paths under it fall among its siblings' (a file "a.b" comes before
    "a/…", "a0" after), so that walking the sorted entries gives the sorted paths."""
    with os.scandir(folder) as scan:
        return sorted((entry.name + "/" if entry.is_dir() else entry.name, entry.is_symlink()) for entry in scan)


def _write_files(folder: Path, prefix: str, entries: list[tuple[str, bool]], write: Callable[[str], object]) -> None:
    """Write `prefix` + the path of each file under `folder` (whose `entries` are given), one a line; subfolders are
    walked as os.walk does: a link to a folder is neither a file nor followed."""
    for name, link in entries:
        if name.endswith("/"):
            if not link:
                subfolder = folder / name[:-1]
                _write_files(subfolder, prefix + name, _sorted_entries(subfolder), write)
        elif name not in KEEP_ALWAYS:
            write(f"{prefix}{name}\n")


def switch(staging: Path, out_dir: Path) -> None:
    """Make `staging` the output folder in one step, then remove the previous generation."""
    kill_point("before-switch")
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        kill_point("after-switch")
        shutil.rmtree(staging, ignore_errors=True)  # now the previous generation
        return
    old = out_dir.parent / f".{out_dir.name}.old-{uuid.uuid4().hex[:12]}"
    out_dir.rename(old)
    kill_point("between-renames")
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove a generation that will not be switched to (or the previous one, after a switch); end the run's lock."""
    shutil.rmtree(staging, ignore_errors=True)
    _unlock(_LOCKS.pop(staging, None))


# Generation folder → the descriptor of the output folder this run has locked.
_LOCKS: dict[Path, int | None] = {}


def _lock(folder: Path) -> int | None:
    """An exclusive lock on `folder` for this run: a second run on the same output would clear this one's generation
    as stale. Raises OutputFolderError when another run holds it."""
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): two runs on one folder at once are not detected there
        return None
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise OutputFolderError(f"{folder}: another run is writing there now — wait for it to finish") from None
    return descriptor


def _unlock(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2(RENAME_EXCHANGE); False where that is not available."""
    if os.environ.get("ANALYSIS_NO_EXCHANGE"):  # tests of the two-rename fallback
        return False
    try:
        # this process's own symbols, the C library's among them: find_library("c") would start ldconfig on every switch
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
