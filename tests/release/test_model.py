"""The release's record of finished stages: read only when it has the shape relnox wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnox.artifacts.manifest import state_dir
from relnox.release.model import RELEASE_RECORDS, STATE_FILE, State


@pytest.mark.parametrize(
    "record",
    [
        {"versions": {"pkg": "1.0"}, "done": []},
        {"versions": {"pkg": "1.0"}, "done": "publish"},
        {"versions": {"pkg": "1.0"}},
        {"versions": {"pkg": "1.0"}, "done": {"publish": ["x"]}},
        ["not", "an", "object"],
    ],
)
def test_a_record_edited_out_of_shape_is_no_record(tmp_path: Path, record: object) -> None:
    """A hand-edited or damaged release-state.json: every stage runs again (each checks
    its own work), never a traceback, never a stage skipped on that record's word."""
    dist = tmp_path / "dist"
    path = state_dir(dist) / STATE_FILE
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record), encoding="utf-8")
    state = State(dist, {"pkg": "1.0"})
    assert not state.done("publish") and not state.done("publish", "x")


def test_the_record_relnox_wrote_is_read_back(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    path = state_dir(dist) / STATE_FILE
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps({"versions": {"pkg": "1.0"}, "done": {"build": "abc"}}), encoding="utf-8"
    )
    assert State(dist, {"pkg": "1.0"}).done("build", "abc")
    assert not State(dist, {"pkg": "1.1"}).done("build", "abc")  # another release


@pytest.mark.parametrize("kind", ["zero", "fifo", "outside"])
def test_a_record_that_is_a_device_a_pipe_or_a_link_out_is_neither_read_nor_written_through(
    tmp_path: Path, kind: str
) -> None:
    """release-state.json committed as a link to /dev/zero filled memory (a MemoryError
    traceback, or the OOM killer), a pipe there waited for ever, and a link to a file
    elsewhere had the state written over that file."""
    import os

    dist = tmp_path / "dist"
    path = state_dir(tmp_path / RELEASE_RECORDS) / STATE_FILE
    path.parent.mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    if kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(victim)
    state = State(dist, {"pkg": "1.0"}, tmp_path)
    assert not state.done("build")
    state.mark("build", "abc")
    assert victim.read_text() == "precious\n"
    assert not path.is_symlink() and path.is_file()
    assert State(dist, {"pkg": "1.0"}, tmp_path).done("build", "abc")


def test_a_dist_directory_named_release_keeps_its_record(tmp_path: Path) -> None:
    """dist-dir = "release": the records of both places are .relnox/release/, and each
    write removed the record it had just written (as an older relnox's, moved here), so
    a rerun never resumed."""
    dist = tmp_path / RELEASE_RECORDS
    State(dist, {"pkg": "1.0"}, tmp_path).mark("build", "abc")
    assert (state_dir(dist) / STATE_FILE).is_file()
    assert State(dist, {"pkg": "1.0"}, tmp_path).done("build", "abc")
