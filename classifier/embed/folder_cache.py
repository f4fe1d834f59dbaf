"""Build a directory once, atomically, and rebuild it only when what it was built from changes.

The folder is built in a hidden staging directory next to the target and renamed into place only when it is
complete, with a marker file recording what it was built from. A failed or killed build therefore never leaves
a half folder under the target name; leftover staging directories are removed by the next build. A lock file
keeps two processes from building the same folder at once.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from classifier.exceptions import ModelBuildError

MARKER_NAME = "leefwereld-build.json"


def read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(folder: Path, marker: dict[str, Any]) -> bool:
    return read_marker(folder) == marker


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(target: Path) -> None:
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _move_into_place(staging: Path, target: Path) -> None:
    retired = None
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, retired / target.name)
    os.rename(staging, target)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def _open_permissions(folder: Path) -> None:
    """mkdtemp (and some writers) create private entries; the service may run as another user."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def ensure_built(target: Path, marker: dict[str, Any], build: Callable[[Path], None]) -> Path:
    """Return `target`, first building it with `build(staging_dir)` unless its marker equals `marker`."""
    if is_current(target, marker):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelBuildError(
            f"cannot create the model cache directory {target.parent}: {exc.strerror}; "
            "fix: point the cache at a writable directory (cache_dir argument or LEEFWERELD_HOME)"
        ) from exc
    with _locked(target.parent / f".{target.name}.lock"):
        if is_current(target, marker):  # another process finished the build while we waited
            return target
        _remove_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        try:
            build(staging)
            (staging / MARKER_NAME).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", "utf-8")
            _open_permissions(staging)
            _move_into_place(staging, target)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ModelBuildError(
                f"building {target} failed: {exc}; nothing was left behind; "
                "fix: free disk space or make the cache directory writable, then retry"
            ) from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target
