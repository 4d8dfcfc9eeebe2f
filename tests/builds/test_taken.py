"""The files git ignores that a build took in: recorded as path -> sha256, hashed again
by the stale check; a changed, deleted or unrecordable file is named
(:mod:`relnox.builds.sources`)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from relnox.builds.sources import MAX_TAKEN, record_taken, taken_changed


def _files(directory: Path, **texts: str) -> list[str]:
    for name, text in texts.items():
        path = directory / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [f"pkg/{name}" for name in texts]


def test_the_record_is_each_path_with_its_sha256(tmp_path: Path) -> None:
    paths = _files(tmp_path, **{"b.json": "{}\n", "a.dat": "first\n"})
    recorded = json.loads(record_taken(tmp_path, paths))
    assert recorded == {
        "pkg/a.dat": hashlib.sha256(b"first\n").hexdigest(),
        "pkg/b.json": hashlib.sha256(b"{}\n").hexdigest(),
    }
    assert list(recorded) == sorted(recorded)  # the same files, the same record


def test_unchanged_files_are_not_stale_and_changed_or_deleted_ones_are_named(
    tmp_path: Path,
) -> None:
    paths = _files(tmp_path, **{"a.dat": "first\n", "b.json": "{}\n", "c.txt": "c\n"})
    recorded = record_taken(tmp_path, paths)
    assert taken_changed(tmp_path, recorded) == ""
    (tmp_path / "pkg/a.dat").write_text("second\n", encoding="utf-8")
    (tmp_path / "pkg/b.json").unlink()
    assert taken_changed(tmp_path, recorded) == (
        "files git ignores that its build took in changed: pkg/a.dat, pkg/b.json (deleted)"
    )
    (tmp_path / "pkg/a.dat").write_text("first\n", encoding="utf-8")  # the old bytes again
    (tmp_path / "pkg/b.json").write_text("{}\n", encoding="utf-8")
    assert taken_changed(tmp_path, recorded) == ""


def test_a_recorded_file_that_is_no_longer_a_regular_file_is_changed_and_never_opened(
    tmp_path: Path,
) -> None:
    paths = _files(tmp_path, **{"a.dat": "first\n"})
    recorded = record_taken(tmp_path, paths)
    (tmp_path / "pkg/a.dat").unlink()
    os.mkfifo(tmp_path / "pkg/a.dat")  # opening it would wait for a writer
    assert taken_changed(tmp_path, recorded).endswith("pkg/a.dat (deleted)")


def test_a_long_list_names_the_first_files_and_counts_the_rest(tmp_path: Path) -> None:
    paths = _files(tmp_path, **{f"f{i}.dat": str(i) for i in range(8)})
    recorded = record_taken(tmp_path, paths)
    for path in paths:
        (tmp_path / path).write_text("new", encoding="utf-8")
    why = taken_changed(tmp_path, recorded)
    assert why.endswith("pkg/f4.dat and 3 more"), why
    assert "pkg/f5.dat" not in why


def test_more_files_than_a_record_holds_are_never_proven_unchanged(tmp_path: Path) -> None:
    recorded = record_taken(tmp_path, [f"pkg/f{i}.dat" for i in range(MAX_TAKEN + 1)])
    assert len(recorded) < 10  # their number, not their paths
    assert f"took in {MAX_TAKEN + 1} files git ignores" in taken_changed(tmp_path, recorded)


def test_an_unreadable_record_is_stale(tmp_path: Path) -> None:
    for bad in ("not json", "[1, 2]", '{"a": 1}', "true"):
        assert "cannot be read" in taken_changed(tmp_path, bad), bad
