"""The report of a publish reads every file's outcome once, whatever the number of
packages: its table, its JSON and its fix-forward lines grow linearly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.publish.report import (
    FAILED,
    HELD_BACK,
    SKIPPED,
    UPLOADED,
    FileOutcome,
    PlannedFile,
    PublishResult,
)
from relnox.tools.repositories import from_url


class CountedOutcomes(list[FileOutcome]):
    """The outcomes, counting how often they are read whole."""

    reads = 0

    def __iter__(self) -> Iterator[FileOutcome]:
        CountedOutcomes.reads += 1
        return super().__iter__()


def result_of(packages: int) -> PublishResult:
    names = [(f"pkg-{i}", "1.0") for i in range(packages)]
    outcomes = CountedOutcomes()
    for i, (name, version) in enumerate(names):
        for kind, filename in (("wheel", f"pkg_{i}-1.0-py3-none-any.whl"), ("sdist", "x.tar.gz")):
            file = PlannedFile(name, version, filename, kind, Path(filename), "0" * 64, "upload")
            status = FAILED if i == 3 else HELD_BACK if i == 4 else UPLOADED if i % 2 else SKIPPED
            outcomes.append(FileOutcome(file, status))
    result = PublishResult(from_url("http://127.0.0.1:8080/"), "test", False, names)
    result.outcomes = outcomes
    return result


def test_a_report_reads_the_outcomes_a_fixed_number_of_times_for_any_number_of_packages() -> None:
    reads = {}
    for packages in (10, 200):
        result = result_of(packages)
        CountedOutcomes.reads = 0
        rows, document, lines = result.rows(), result.to_json(), result.fix_forward()
        statuses = {p.name: p.status for p in result.by_package()}
        reads[packages] = CountedOutcomes.reads
        first = ["skipped", "uploaded", "skipped", "failed", "held-back", "uploaded"]
        assert [r["status"] for r in rows[:6]] == first
        assert statuses == {r["package"]: r["status"] for r in rows}
        assert [p["status"] for p in document["packages"]] == [r["status"] for r in rows]
        assert all(len(p["files"]) == 2 for p in document["packages"])
        assert "pkg-3 1.0 (failed)" in lines[1] and "pkg-4 1.0 (held-back)" in lines[1]
    assert reads[200] == reads[10] < 20  # not once per package


def test_a_report_that_cannot_be_written_is_a_warning_after_the_uploads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The files are on the index by then: a report whose place is taken (a directory
    there, a file where the state directory goes) is warned of, never an error that
    would make a done publish exit 1 with a traceback."""
    from relnox.publish.report import write_report

    dist = tmp_path / "dist"
    dist.mkdir()
    (tmp_path / ".relnox/dist/publish-report.json").mkdir(parents=True)
    result = result_of(2)
    assert write_report(result, dist) is None and result.report_path is None
    said = f"{tmp_path / '.relnox/dist/publish-report.json'} could not be written (Is a directory)"
    assert said in caplog.text and "the publish itself is done" in caplog.text

    other = tmp_path / "other"
    (other / "dist").mkdir(parents=True)
    (other / ".relnox").write_text("a file where the state directory goes")
    assert write_report(result_of(2), other / "dist") is None
    assert f"{other / '.relnox/dist/publish-report.json'} could not be written" in caplog.text

    (tmp_path / ".relnox/dist/publish-report.json").rmdir()
    assert write_report(result, dist) == tmp_path / ".relnox/dist/publish-report.json"


def test_a_bump_is_advised_only_for_a_package_half_live() -> None:
    """A refused file (a 403, a 400) never took its name: running again finishes the
    publish, and no bump is advised. A package with its wheel live and its sdist refused
    cannot take a rebuilt wheel beside the live one: there a new version is the way."""
    names = [("whole", "1.0"), ("half", "1.0")]
    result = PublishResult(from_url("http://127.0.0.1:8080/"), "test", False, names)
    for name, statuses in (("whole", (FAILED, FAILED)), ("half", (UPLOADED, FAILED))):
        for kind, status in zip(("wheel", "sdist"), statuses, strict=True):
            filename = f"{name}-1.0-py3-none-any.whl" if kind == "wheel" else f"{name}-1.0.tar.gz"
            file = PlannedFile(name, "1.0", filename, kind, Path(filename), "0" * 64, "upload")
            result.outcomes.append(FileOutcome(file, status))
    lines = result.fix_forward()
    assert lines[-1] == (
        "half: some files are live, the others failed; if the fix needs a rebuild, the rebuilt "
        "files cannot join the live ones: relnox bump --part post -p half (or --part patch), "
        "rebuild and publish those"
    )
    assert not any("whole" in line for line in lines[2:])
    result.outcomes = [o for o in result.outcomes if o.file.package == "whole"]
    result.packages = [("whole", "1.0")]
    assert not any("bump" in line for line in result.fix_forward())
