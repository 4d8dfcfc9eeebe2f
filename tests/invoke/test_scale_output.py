"""One shape of output at any scale: the commands run as a user runs them on a generated
workspace of 70 packages, their lines counted; the live status line on a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.report import MANY
from relnox.sample import generated_specs, git_init, write_workspace
from relnox.tools.index_server import LocalIndex
from tests.conftest import git_commit_all, run_relnox
from tests.shapes import commit, project, repo

SIZE = 70


@pytest.fixture(scope="module")
def seventy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """70 packages, no changelog (70 identical warnings), 10 packages whose __init__.py
    says another version than their pyproject.toml (10 errors)."""
    root = write_workspace(tmp_path_factory.mktemp("scale") / "ws", generated_specs(SIZE))
    (root / "CHANGELOG.md").unlink()
    for i in range(20, 30):
        init = root / "packages" / f"gen-pkg{i}" / f"gen_pkg{i}" / "__init__.py"
        init.write_text(init.read_text().replace('"0.1.0"', '"0.0.9"'))
    git_init(root)
    return root


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """70 packages with nothing wrong but the missing changelog."""
    root = write_workspace(tmp_path_factory.mktemp("scale") / "ws", generated_specs(SIZE))
    (root / "CHANGELOG.md").unlink()
    git_init(root)
    return root


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_doctor_groups_identical_warnings_and_keeps_every_error(seventy: Path) -> None:
    proc = run_relnox("doctor", cwd=seventy)
    assert proc.returncode == 1
    out = _lines(proc.stdout)
    assert len(out) <= 40, proc.stdout  # 378 lines before
    [changelog] = [line for line in out if "no CHANGELOG.md" in line]
    assert "changelog <package>" in changelog and "(70 packages; -v names them)" in changelog
    errors = [line for line in out if line.startswith("error: version sources: ")]
    assert len(errors) == 10
    assert all(len(line) <= 200 or "/" in line for line in out)  # but a path's
    # the closing error line too: the root path aside, at most 200 characters (302 before)
    assert all(len(line.replace(str(seventy), "")) <= 200 for line in _lines(proc.stderr))
    # -q: every error and warning still, without the ok checks
    quiet = _lines(run_relnox("-q", "doctor", cwd=seventy).stdout)
    assert len([line for line in quiet if line.startswith("error: ")]) == 10  # was 0
    assert changelog in quiet and not any(line.startswith("ok: ") for line in quiet)
    # -v names them
    verbose = run_relnox("-v", "doctor", cwd=seventy).stdout
    assert verbose.count("no CHANGELOG.md") == SIZE


def test_packages_is_a_listing_that_q_keeps(sound: Path) -> None:
    out = _lines(run_relnox("packages", cwd=sound, check=True).stdout)
    assert len(out) == SIZE + 2  # a header, its rule, a row per package (142 lines before)
    assert _lines(run_relnox("-q", "packages", cwd=sound, check=True).stdout) == out
    verbose = run_relnox("-v", "packages", cwd=sound, check=True).stdout
    assert verbose.count(": version from ") == SIZE  # the evidence with -v


def test_plan_is_a_listing(sound: Path) -> None:
    out = _lines(run_relnox("plan", cwd=sound, check=True).stdout)
    assert len(out) == SIZE + 2
    assert _lines(run_relnox("-q", "plan", cwd=sound, check=True).stdout) == out


def test_bump_dry_run_summarises_the_diffs(sound: Path) -> None:
    proc = run_relnox("bump", "--part", "patch", "--dry-run", cwd=sound, check=True)
    out = _lines(proc.stdout)
    assert len(out) <= 40, proc.stdout  # 1554 before
    assert out[0] == f"{SIZE} packages 0.1.0 -> 0.1.1"
    assert sum("the same change in 69 more file(s)" in line for line in out) == 2
    assert all(len(line) <= 200 for line in out)
    git = [line for line in out if line.startswith("git ")]
    assert git == [
        "git add: the 140 edited files",
        "git commit -m 'Release 0.1.1': the 140 edited files; the message's body: 71 more line(s)",
    ]
    assert not any("<the" in line for line in out)
    verbose = run_relnox("-v", "bump", "--part", "patch", "--dry-run", cwd=sound, check=True)
    assert verbose.stdout.count("+++ b/packages/") == 2 * SIZE


def test_bump_dry_run_says_a_note_many_packages_share_once(tmp_path: Path) -> None:
    """Each package's changelog written by another tool (no Unreleased section): one note
    counting them, not one a package (a line each before); -v names each."""
    root = write_workspace(tmp_path / "ws", generated_specs(MANY))
    (root / "CHANGELOG.md").unlink()
    for directory in (root / "packages").iterdir():
        (directory / "CHANGELOG.md").write_text("# Changelog\n\n## 0.1.0\n\n- First.\n")
    git_init(root)
    proc = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    notes = [line for line in _lines(proc.stdout) if line.startswith("note: ")]
    said = "note: packages/<package>/CHANGELOG.md has no Unreleased section"
    assert notes == [f"{said} ({MANY} packages; -v names them)"]
    verbose = run_relnox("-v", "bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert f"{said} ({MANY} packages):\n    gen-pkg0, gen-pkg1, " in verbose.stdout


def test_release_dry_run_is_one_screen(sound: Path) -> None:
    proc = run_relnox("release", "--part", "patch", "--dry-run", cwd=sound, check=True)
    out = _lines(proc.stdout)
    assert len(out) <= 30, proc.stdout  # 301 before
    assert all(len(line) <= 200 for line in out)
    assert "   create 70 tags (gen-pkg0-v0.1.1 ... gen-pkg8-v0.1.1)" in out
    assert "   sdist and wheel of <package> 0.1.1 into dist/ (70 packages; -v names them)" in out


def test_a_large_release_commit_has_a_short_subject(tmp_path: Path) -> None:
    specs = generated_specs(8)
    for i, spec in enumerate(specs):
        spec.version = f"0.{i + 1}.0"
        spec.requires = []
    root = write_workspace(tmp_path / "ws", specs)
    git_init(root)
    # each file's change its own (each package its own version): the files counted, not
    # a diff each (a real workspace's dry run was 415 lines)
    planned = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    said = "17 files change, in 17 different ways: 8 pyproject.toml, 8 __init__.py, CHANGELOG.md"
    assert said in planned
    assert "+++ b/" not in planned and len(planned.splitlines()) <= 15, planned
    every = run_relnox("-v", "bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert every.count("+++ b/packages/") == 16
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    subject, blank, *body = (
        subprocess.run(
            ["git", "log", "-1", "--format=%B"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()
    )
    assert subject == "Release 8 packages" and blank == ""
    assert body == [f"gen-pkg{i} 0.{i + 1}.1" for i in range(8)]


def _on_a_terminal(argv: list[str], cwd: Path) -> list[bytes]:
    """``argv`` run on a pseudo-terminal: the chunks it wrote, in order."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, its output on the terminal
        os.chdir(cwd)
        os.environ.pop("CI", None)
        os.execv(argv[0], argv)
    chunks = []
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 60)
            data = os.read(fd, 65536) if ready else b""
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return chunks


@pytest.mark.slow
def test_verify_install_shows_live_progress_on_a_terminal(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", generated_specs(5))
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    chunks = _on_a_terminal([sys.executable, "-m", "relnox", "verify-install", "--offline"], root)
    text = b"".join(chunks).decode()
    status = text.index("\r\x1b[Kverify: 0/5 done; now: wheel: ")
    assert "verify: 5/5 done" in text
    result = text.index("ok    5 package checks (-v lists them)")
    assert status < result  # the status came before the results, which are counted
    assert "ok    gen-pkg0" not in text


@pytest.mark.slow
def test_q_verify_install_keeps_the_failures_its_error_points_at(tmp_path: Path) -> None:
    specs = generated_specs(5)
    specs[4].extra_files = {"gen_pkg4/__init__.py": 'raise RuntimeError("broken on import")\n'}
    root = write_workspace(tmp_path / "ws", specs)
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    proc = run_relnox("-q", "verify-install", "--offline", cwd=root)
    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    [fail] = [line for line in out if line.startswith("FAIL")]  # hidden by -q before
    assert "gen-pkg4" in fail
    assert any("broken on import" in line for line in out)
    assert not any(line.startswith("ok ") for line in out)


@pytest.mark.slow
def test_build_all_after_a_bump_says_a_repeated_warning_once(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", generated_specs(5))
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    proc = run_relnox("build-all", cwd=root, check=True)
    said = [line for line in proc.stderr.splitlines() if "artifact of another version" in line]
    assert len(said) == MANY - 1, proc.stderr  # 10 before: each old sdist and wheel
    assert f"(the same warning for {10 - MANY + 1} more: " in proc.stderr
    verbose = run_relnox("-v", "build-all", "--force", cwd=root, check=True).stderr
    assert verbose.count("artifact of another version") == 10


def test_q_check_versions_keeps_every_problem(seventy: Path) -> None:
    """Its error says "fix the files listed above": -q listed none (1 line, 12 without)."""
    proc = run_relnox("check-versions", cwd=seventy)
    problems = [line for line in _lines(proc.stdout) if line.startswith("  x ")]
    assert proc.returncode == 1 and len(problems) == 10
    assert all(len(line) <= 200 for line in problems)
    quiet = run_relnox("-q", "check-versions", cwd=seventy)
    assert quiet.returncode == 1
    assert [line for line in _lines(quiet.stdout) if line.startswith("  x ")] == problems


def test_plan_intent_says_a_note_many_share_once_and_q_keeps_it(sound: Path) -> None:
    """70 untagged packages: "no release" and one note with its count (71 lines before, one
    note per package); -q kept nothing of the result before."""
    out = _lines(run_relnox("plan", "--intent", cwd=sound, check=True).stdout)
    assert out == [
        "no release: every package that changed is left out",
        "note: <package> 0.1.0 is not released by any tag yet: it is left out "
        f"(tag it: relnox tag --missing) ({SIZE} packages; -v names them)",
    ]
    assert _lines(run_relnox("-q", "plan", "--intent", cwd=sound, check=True).stdout) == out
    quiet_pr = run_relnox("-q", "release-pr", "--dry-run", cwd=sound, check=True).stdout
    assert _lines(quiet_pr) == out
    verbose = run_relnox("-v", "plan", "--intent", cwd=sound, check=True).stdout
    assert all(f"gen-pkg{i}" in verbose for i in range(SIZE))


def test_bump_dry_run_counts_the_pins_that_follow(sound: Path) -> None:
    """A minor bump moves the 46 pins ``>=0.1.0,<0.2.0``: one line, not one per pin."""
    proc = run_relnox("bump", "--part", "minor", "--dry-run", cwd=sound, check=True)
    out = _lines(proc.stdout)
    assert out[:2] == [
        f"{SIZE} packages 0.1.0 -> 0.2.0",
        "  46 pins follow the new versions (-v lists them)",
    ]
    assert len(out) <= 60, proc.stdout  # 103 before: a line per pin
    verbose = run_relnox("-v", "bump", "--part", "minor", "--dry-run", cwd=sound, check=True)
    assert verbose.stdout.count(" requires gen-pkg") == 46


def test_release_pr_dry_run_says_a_move_many_share_once(tmp_path: Path) -> None:
    """One ``feat:`` commit in every package: one line for their shared move (a line per
    package before), the names with -v; the pull request's body still has every row."""
    root = write_workspace(tmp_path / "ws", generated_specs(MANY + 1))
    git_init(root)
    run_relnox("tag", "--missing", cwd=root, check=True)
    for init in sorted(root.glob("packages/*/*/__init__.py")):
        init.write_text(init.read_text() + "X = 1\n")
    git_commit_all(root, "feat: more")
    out = _lines(run_relnox("release-pr", "--dry-run", cwd=root, check=True).stdout)
    moves = [line for line in out if " -> 0.2.0 (minor: " in line]
    assert len(moves) == 1 and moves[0].startswith("<package>: 0.1.0 -> 0.2.0 (minor: 1 conv")
    assert moves[0].endswith(f"({MANY + 1} packages; -v names them)")
    assert sum(line.startswith("| gen-pkg") for line in out) == MANY + 1  # the body's table
    verbose = run_relnox("-v", "release-pr", "--dry-run", cwd=root, check=True).stdout
    names = ", ".join(f"gen-pkg{i}" for i in range(MANY + 1))
    assert f"    {names}" in _lines(verbose)  # -v names them


def test_tag_says_the_tags_many_packages_share_in_one_line_that_q_keeps(sound: Path) -> None:
    out = _lines(run_relnox("tag", "--missing", "--dry-run", cwd=sound, check=True).stdout)
    assert len(out) == 1 and out[0].startswith(  # a line per tag before, none with -q
        f"would create {SIZE} tags (gen-pkg0-v0.1.0 ... gen-pkg8-v0.1.0; -v lists them) on "
    )
    assert _lines(run_relnox("-q", "tag", "--missing", "--dry-run", cwd=sound).stdout) == out
    verbose = run_relnox("-v", "tag", "--missing", "--dry-run", cwd=sound, check=True).stdout
    assert verbose.count("would create tag gen-pkg") == SIZE


def test_build_all_dry_run_says_each_kind_of_step_once(sound: Path) -> None:
    out = _lines(run_relnox("build-all", "--dry-run", cwd=sound, check=True).stdout)
    assert f"build <package> 0.1.0 (hatchling.build) ({SIZE} packages; -v names them)" in out
    assert len(out) == 4, out  # 73 before: a line per package
    verbose = run_relnox("-v", "build-all", "--dry-run", cwd=sound, check=True).stdout
    assert "build gen-pkg1 0.1.0 (hatchling.build) after gen-pkg0" in _lines(verbose)
    assert verbose.count("\nbuild gen-pkg") == SIZE


@pytest.mark.slow
def test_verify_install_dry_run_counts_the_packages_and_json_is_the_plan(tmp_path: Path) -> None:
    """A line per package before, and --json printed ``{"schema": 1}`` with the plan on
    standard error."""
    root = write_workspace(tmp_path / "ws", generated_specs(MANY))
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    out = _lines(run_relnox("verify-install", "--dry-run", cwd=root, check=True).stdout)
    assert len(out) == 2 and out[1].endswith(
        f"{MANY} package(s) from {root / 'dist'} (-v lists them)"
    )
    verbose = run_relnox("-v", "verify-install", "--dry-run", cwd=root, check=True).stdout
    assert verbose.count("  gen-pkg") == MANY
    proc = run_relnox("verify-install", "--dry-run", "--json", cwd=root, check=True)
    planned = json.loads(proc.stdout)
    assert planned["dry_run"] and planned["rounds"][0]["packages"]["gen-pkg0"] == "0.1.0"
    assert "gen-pkg0" not in proc.stderr


@pytest.mark.slow
def test_publish_dry_run_counts_the_files_and_tiers(tmp_path: Path) -> None:
    """A line per file, a tier line naming every package and every new project by name
    before: at 70 packages 147 lines."""
    root = write_workspace(tmp_path / "ws", generated_specs(MANY))
    git_init(root)
    run_relnox("build-all", cwd=root, check=True)
    with LocalIndex(tmp_path / "index") as index:
        env = {**os.environ, "RELNOX_LOCAL_INDEX": index.url}
        proc = run_relnox("publish", "--dry-run", "-r", "local", cwd=root, env=env, check=True)
        verbose = run_relnox("-v", "publish", "--dry-run", "-r", "local", cwd=root, env=env)
    out = _lines(proc.stdout)
    assert "3 tier(s) by dependency depth (-v lists them)" in out  # 0 <- 1 <- 2, and 3
    assert f"  {2 * MANY} files (-v lists each with its sha256)" in out
    assert f"new projects on local: {MANY} (-v names them)" in out
    assert not [line for line in out if "gen_pkg0-0.1.0" in line]
    assert len(out) <= 6 + 1, out  # and the table's count line
    assert verbose.stdout.count(": upload  gen_pkg") == 2 * MANY


def test_q_keeps_the_result_of_the_commands_that_print_one(sound: Path) -> None:
    """resolve-version, check-tag and release-notes -o - printed nothing with -q: the
    notes a workflow redirects into a file were empty."""
    resolved = _lines(run_relnox("resolve-version", cwd=sound, check=True).stdout)
    assert resolved == [  # a line per package before
        f"<package> 0.1.0 (from pyproject) -> pypi ({SIZE} packages; -v names them)"
    ]
    assert _lines(run_relnox("-q", "resolve-version", cwd=sound, check=True).stdout) == resolved
    for args in (
        ["check-tag", "--tag", "gen-pkg3-v0.1.0"],
        ["release-notes", "--version", "gen-pkg3-v0.1.0", "-o", "-"],
    ):
        said = run_relnox(*args, cwd=sound, check=True).stdout
        assert said.strip() and run_relnox("-q", *args, cwd=sound, check=True).stdout == said


def test_a_long_detail_is_wrapped_to_the_terminal_not_the_terminal_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """doctor's detail column of one long finding (the tag conventions, 230 characters) made
    every row of the table, and its dashes, as wide: on an 80-column terminal each wrapped
    into the next row. There its detail wraps under itself; into a file a row is one line."""
    files = {"pyproject.toml": project("acme", "0.9.0"), "acme/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["acme_0.9.0"])
    commit(root, {"pyproject.toml": project("acme", "1.0.0")}, "1.0.0")
    monkeypatch.setenv("COLUMNS", "80")
    argv = [sys.executable, "-m", "relnox", "doctor"]
    lines = b"".join(_on_a_terminal(argv, root)).decode().splitlines()
    wide = [line for line in lines if len(line) > 80]
    assert not wide and any(line.startswith("tags acme") for line in lines), lines
    piped = run_relnox("doctor", cwd=root).stdout.splitlines()
    (tags,) = [line for line in piped if line.startswith("tags acme")]
    assert len(tags) > 80 and " ".join(tags.split()) in " ".join(" ".join(lines).split())
