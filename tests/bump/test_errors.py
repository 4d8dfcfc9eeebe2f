"""Bad input to ``relnox bump`` (and ``nox -s version_bump``): one clear line, exit 1, no change.

Every case runs the real command in a child process against a real git repository,
and proves that no file, no commit and no tag changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.sample import ProjectSpec, git_init, write_project, write_workspace
from tests.bump_support import error_lines, git_state, run_git, snapshot, write_files
from tests.conftest import run_relnox


def _single(root: Path) -> Path:
    write_project(root, ProjectSpec("bad-pkg", "0.1.0"))
    return root


def _member_pyproject(text: str) -> Callable[[Path], Path]:
    def make(root: Path) -> Path:
        write_workspace(root, [ProjectSpec("bad-core", "0.1.0"), ProjectSpec("bad-app", "0.1.0")])
        (root / "packages/bad-app/pyproject.toml").write_text(text)
        return root

    return make


def _tag_format(tag_format: str) -> Callable[[Path], Path]:
    def make(root: Path) -> Path:
        write_project(root, ProjectSpec("bad-pkg", "0.1.0"))
        pyproject = root / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text() + f'\n[tool.relnox]\ntag-format = "{tag_format}"\n'
        )
        return root

    return make


CASES: dict[str, tuple[Callable[[Path], Path], list[str], list[str]]] = {
    # name: (make the repo, extra args, substrings of the one error line)
    "malformed toml": (
        _member_pyproject('[project]\nname = "bad-app"\nversion = "0.1.0\n'),
        [],
        ["packages/bad-app/pyproject.toml", "invalid TOML", "fix the syntax"],
    ),
    "missing version": (
        _member_pyproject('[project]\nname = "bad-app"\n'),
        [],
        ["packages/bad-app/pyproject.toml", "no version", 'add version = "0.1.0"'],
    ),
    "invalid version": (
        _member_pyproject('[project]\nname = "bad-app"\nversion = "one.two"\n'),
        [],
        ["packages/bad-app/pyproject.toml", "'one.two' is not a valid PEP 440 version"],
    ),
    "unknown package": (
        _single,
        ["--package", "nope"],
        ["unknown package 'nope'", "bad-pkg"],
    ),
    "unknown part": (_single, ["--part", "huge"], ["unknown part 'huge'", "use one of major"]),
    "not higher": (_single, ["--to", "0.0.9"], ["pyproject.toml: --to 0.0.9", "not higher"]),
    "dirty tree": (_single, ["--dirty"], ["uncommitted changes", "README.md", "--allow-dirty"]),
    "existing tag": (
        _single,
        ["--existing-tag", "--commit", "--tag"],
        ["0.2.0 was already released", "its tag v0.2.0 exists", "--to"],
    ),
    "existing tag, no --tag": (  # refused too: that version is released, tagged or not now
        _single,
        ["--existing-tag", "--no-commit"],
        ["0.2.0 was already released", "its tag v0.2.0 exists", "--to"],
    ),
    "tag read as an option": (
        _tag_format("-d{version}"),
        ["--commit", "--tag"],
        ["tag-format '-d{version}' begins or ends in a way", "check-ref-format"],
    ),
    "tag with a space": (
        _tag_format("release {version}"),
        ["--commit", "--tag"],
        ["[tool.relnox] tag-format 'release {version}' has ' ', which git refuses"],
    ),
    "detached head": (
        _single,
        ["--detached", "--commit", "--tag"],
        ["HEAD is detached", "--commit/--tag", "git switch -c", "--allow-detached"],
    ),
    "push without origin": (
        _single,
        ["--commit", "--push"],
        ["no git remote named origin", "git remote add origin"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(tmp_path: Path, case: str) -> None:
    make, extra, expected = CASES[case]
    root = make(tmp_path / "repo")
    git_init(root)
    args = [a for a in extra if a not in ("--dirty", "--existing-tag", "--detached")]
    if "--detached" in extra:
        run_git(root, "checkout", "-q", "--detach")
    if "--dirty" in extra:
        (root / "README.md").write_text("edited, not committed\n")
    if "--existing-tag" in extra:
        run_git(root, "tag", "-a", "-m", "old", "v0.2.0")
    if "--part" not in args and "--to" not in args:
        args = ["--part", "minor", *args]
    before, state = snapshot(root), git_state(root)
    proc = run_relnox("bump", *args, cwd=root)
    usage = case in ("unknown package", "unknown part")  # a value none of the choices
    assert proc.returncode == (2 if usage else 1), proc.stdout + proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("relnox: error: ") and "Traceback" not in proc.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    assert snapshot(root) == before
    assert git_state(root) == state


NOXFILE = "import relnox.nox\n\nrelnox.nox.register()\n"


def _nox(root: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nox", "-s", "version_bump", "--", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_a_detached_head_is_allowed_when_asked(tmp_path: Path) -> None:
    root = _single(tmp_path / "repo")
    git_init(root)
    run_git(root, "checkout", "-q", "--detach")
    proc = run_relnox("bump", "--part", "patch", "--tag", "--allow-detached", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "v0.1.1" in run_git(root, "tag", "--list", "--points-at", "HEAD")


@pytest.mark.slow
@pytest.mark.parametrize("bytecode", ["written", "not written"])
def test_bad_input_through_nox(tmp_path: Path, bytecode: str) -> None:
    """The same on every machine: nox's __pycache__/ next to the noxfile is untracked."""
    env = dict(os.environ)
    if bytecode == "not written":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    root = write_files(_single(tmp_path / "repo"), {"noxfile.py": NOXFILE})
    git_init(root)
    before, state = snapshot(root), git_state(root)
    for args, expected in (
        (["--part", "huge"], "unknown part 'huge'"),
        (["--part", "minor", "--package", "nope"], "unknown package 'nope'"),
    ):
        proc = _nox(root, *args, env=env)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        errors = [line for line in proc.stderr.splitlines() if "relnox: error:" in line]
        assert len(errors) == 1 and expected in errors[0], proc.stderr
        assert "Traceback" not in proc.stderr
        assert snapshot(root) == before and git_state(root) == state
    assert (root / "__pycache__").is_dir() == (bytecode == "written")
    proc = _nox(root, "--part", "minor", "--dry-run", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "bad-pkg: 0.1.0 -> 0.2.0" in proc.stdout and '+version = "0.2.0"' in proc.stdout
    assert snapshot(root) == before and git_state(root) == state


@pytest.mark.slow
def test_a_dry_run_on_a_dirty_tree_shows_the_plan_and_warns(tmp_path: Path) -> None:
    root = _single(tmp_path)
    git_init(root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# edited\n")
    dry = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root)
    assert dry.returncode == 0, dry.stderr
    assert (
        "warning:" in dry.stdout + dry.stderr and "uncommitted changes" in dry.stdout + dry.stderr
    )
    assert "dry run: nothing was changed" in dry.stdout
    real = run_relnox("bump", "--part", "minor", cwd=root)
    assert real.returncode == 1 and "uncommitted changes" in real.stderr


def test_a_repository_without_commits_is_refused_with_the_first_step(tmp_path: Path) -> None:
    """The bump's commit would be the repository's first, holding only version files."""
    root = _single(tmp_path / "repo")
    run_git(root, "init", "-q", "-b", "main")
    before = snapshot(root)
    for args in ([], ["--tag"], ["--commit", "--tag", "--push"]):
        proc = run_relnox("bump", "--part", "minor", *args, cwd=root)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        lines = error_lines(proc.stderr)
        assert len(lines) == 1 and "has no commit yet" in lines[0], lines
        assert "commit your project first: git add -A && git commit" in lines[0]
        assert snapshot(root) == before
        assert run_git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False) == ""
    dry = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root)
    assert dry.returncode == 0 and "has no commit yet" in dry.stdout + dry.stderr
    # only editing the files makes no commit, so it is allowed
    edit = run_relnox("bump", "--part", "minor", "--no-commit", cwd=root)
    assert edit.returncode == 0, edit.stderr
    assert 'version = "0.2.0"' in (root / "pyproject.toml").read_text()
    assert run_git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False) == ""


def test_a_directory_outside_git_is_refused_unless_no_commit(tmp_path: Path) -> None:
    root = _single(tmp_path / "plain")
    before = snapshot(root)
    proc = run_relnox("bump", "--part", "patch", cwd=root)
    lines = error_lines(proc.stderr)
    assert proc.returncode == 1 and len(lines) == 1, proc.stderr
    assert f"{root} is not a git repository, so --commit cannot run" in lines[0]
    assert "git init && git add -A && git commit" in lines[0] and "--no-commit" in lines[0]
    assert snapshot(root) == before
    tag = run_relnox("tag", "--missing", cwd=root)
    assert (
        tag.returncode == 1 and "is not a git repository, so there is nothing to tag" in tag.stderr
    )
    assert run_relnox("bump", "--part", "patch", "--no-commit", cwd=root).returncode == 0
    assert 'version = "0.1.1"' in (root / "pyproject.toml").read_text()


def _stopped_merge(root: Path) -> str:
    """A merge stopped before its commit (--no-commit), both sides the same: clean tree."""
    run_git(root, "checkout", "-q", "-b", "side")
    write_files(root, {"notes.txt": "same\n"})
    run_git(root, "add", "notes.txt")
    run_git(root, "commit", "-q", "-m", "side")
    run_git(root, "checkout", "-q", "main")
    write_files(root, {"notes.txt": "same\n"})
    run_git(root, "add", "notes.txt")
    run_git(root, "commit", "-q", "-m", "main")
    run_git(root, "merge", "-q", "--no-ff", "--no-commit", "side")
    return "a merge is in progress"


def _stopped_cherry_pick(root: Path) -> str:
    write_files(root, {"notes.txt": "one\n"})
    run_git(root, "add", "notes.txt")
    run_git(root, "commit", "-q", "-m", "one")
    run_git(root, "checkout", "-q", "-b", "side")
    write_files(root, {"notes.txt": "two\n"})
    run_git(root, "commit", "-q", "-am", "two")
    run_git(root, "checkout", "-q", "main")
    write_files(root, {"notes.txt": "three\n"})
    run_git(root, "commit", "-q", "-am", "three")
    run_git(root, "cherry-pick", "side", check=False)  # a conflict: stops
    write_files(root, {"notes.txt": "three\n"})
    run_git(root, "add", "notes.txt")
    return "a cherry-pick is in progress"


def _stopped_bisect(root: Path) -> str:
    run_git(root, "commit", "-q", "--allow-empty", "-m", "two")
    run_git(root, "commit", "-q", "--allow-empty", "-m", "three")
    run_git(root, "bisect", "start", "HEAD", "HEAD~2")
    return "a bisect is in progress"


@pytest.mark.parametrize("stop", [_stopped_merge, _stopped_cherry_pick, _stopped_bisect])
def test_a_git_operation_in_progress_is_refused_before_any_file_changes(
    tmp_path: Path, stop: Callable[[Path], str]
) -> None:
    """The bump's commit would finish the user's merge or fail half-way ("cannot do a
    partial commit during a merge"): refused first, whatever --allow-* says; doctor too."""
    root = _single(tmp_path / "repo")
    git_init(root)
    said = stop(root)
    before, state = snapshot(root), git_state(root)
    for flags in ([], ["--allow-dirty", "--allow-detached"]):
        proc = run_relnox("bump", "--part", "minor", *flags, cwd=root)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        lines = error_lines(proc.stderr)
        assert len(lines) == 1 and said in lines[0], lines
        assert "finish or abort it first: " in lines[0]
        assert snapshot(root) == before and git_state(root) == state
    doctor = run_relnox("doctor", cwd=root)
    assert doctor.returncode == 1 and said in doctor.stdout + doctor.stderr


def test_a_package_in_a_submodule_is_refused_before_any_file_changes(tmp_path: Path) -> None:
    """A member that is a git submodule: the superproject's commit cannot hold its files
    (git add: "Pathspec ... is in submodule"), so the bump names it and changes nothing."""
    sub = _single(tmp_path / "sub-origin")
    git_init(sub)
    root = write_workspace(tmp_path / "repo", [ProjectSpec("host-pkg", "0.1.0")])
    git_init(root)
    run_git(
        root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "packages/sub"
    )
    run_git(root, "commit", "-q", "-m", "Add the submodule")
    before, state = snapshot(root), git_state(root)
    proc = run_relnox("bump", "--part", "minor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1, lines
    assert (
        f"{root / 'packages/sub/pyproject.toml'}: is in packages/sub, a git repository" in lines[0]
    )
    assert "--package" in lines[0]
    assert snapshot(root) == before and git_state(root) == state
    dry = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root)
    assert dry.returncode == 0 and "a git repository of its own" in dry.stdout + dry.stderr
    alone = run_relnox("bump", "--part", "minor", "--package", "host-pkg", cwd=root)
    assert alone.returncode == 0, alone.stderr


@pytest.mark.parametrize(
    "setting",
    ['version-files = ["../elsewhere/v.py"]', 'changelog = "../elsewhere/CHANGES.md"'],
)
def test_a_file_setting_climbing_out_of_the_repository_is_never_written(
    tmp_path: Path, setting: str
) -> None:
    """Even with --no-commit (no git to object), a bump writes no file outside the
    repository: refused in one line naming the file, nothing written anywhere."""
    elsewhere = write_files(
        tmp_path / "elsewhere",
        {"v.py": '__version__ = "0.1.0"\n', "CHANGES.md": "# Changes\n\n## [Unreleased]\n\n- x\n"},
    )
    root = _single(tmp_path / "repo")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f"\n[tool.relnox]\n{setting}\n")
    git_init(root)
    before, outside = snapshot(root), snapshot(elsewhere)
    for flags in ([], ["--no-commit"]):
        proc = run_relnox("bump", "--part", "minor", *flags, cwd=root)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        lines = error_lines(proc.stderr)
        assert len(lines) == 1 and "outside the repository" in lines[0], lines
        assert snapshot(root) == before and snapshot(elsewhere) == outside


def test_a_left_index_lock_is_refused_before_any_file_changes(tmp_path: Path) -> None:
    """A git that stopped without removing .git/index.lock: git add would fail after the
    files are written (and the undo with it); refused first, naming the file; doctor too."""
    root = _single(tmp_path / "repo")
    git_init(root)
    lock = root / ".git" / "index.lock"
    lock.write_text("")
    before = snapshot(root)
    proc = run_relnox("bump", "--part", "minor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and lines[0].startswith(f"relnox: error: {lock} exists: "), lines
    assert f"remove {lock} if no git process runs" in lines[0]
    assert snapshot(root) == before and lock.exists()
    doctor = run_relnox("doctor", cwd=root)
    assert doctor.returncode == 1 and f"{lock} exists" in doctor.stdout + doctor.stderr
    lock.unlink()
    assert run_relnox("bump", "--part", "minor", cwd=root).returncode == 0


def test_the_submodule_check_asks_git_only_where_a_git_directory_lies_between(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Members in plain directories of the repository are its own without a git call
    each (one per folder was most of a 200-package bump): git is asked only where a
    ``.git`` lies on the way, and a nested repository is still refused."""
    from relnox.cli import main
    from relnox.tools import git

    specs = [ProjectSpec(f"many-{i}", "0.1.0") for i in range(6)]
    root = write_workspace(tmp_path / "repo", specs)
    git_init(root)
    asked: list[tuple[str, ...]] = []
    real_run = git.run

    def spy(path: Path, *args: str, **kwargs: object) -> object:
        if args[:2] == ("rev-parse", "--is-inside-work-tree"):
            asked.append((str(path), *args))
        return real_run(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(git, "run", spy)
    main(["bump", "--part", "minor", "--dry-run", "--root", str(root)])
    assert len({a[0] for a in asked}) <= 1, asked  # the repository's own top, not one per member
    nested = root / "packages" / "many-3"
    run_git(nested, "init", "-q")  # a repository of its own inside the member
    asked.clear()
    monkeypatch.chdir(root)
    proc = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root)
    assert "many-3" in proc.stdout + proc.stderr
    assert "a git repository of its own" in proc.stdout + proc.stderr


def test_a_local_version_moves_the_dependents_pins_to_its_public_version(tmp_path: Path) -> None:
    """``--to 0.2.0+local`` with a sibling pinning ``>=0.1.0,<0.2.0``: PEP 440 allows a
    local label only after ``==``, so the pin becomes ``>=0.2.0,<0.3.0`` (which admits
    0.2.0+local); it used to end in packaging's InvalidSpecifier traceback."""
    root = write_workspace(
        tmp_path / "ws",
        [ProjectSpec("lv-core"), ProjectSpec("lv-app", requires=["lv-core>=0.1.0,<0.2.0"])],
    )
    git_init(root)
    done = run_relnox("bump", "--to", "0.2.0+local", "-p", "lv-core", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    app = (root / "packages/lv-app/pyproject.toml").read_text()
    assert '"lv-core>=0.2.0,<0.3.0"' in app
    assert 'version = "0.2.0+local"' in (root / "packages/lv-core/pyproject.toml").read_text()


def test_a_branch_lock_left_behind_is_named_and_the_bump_undone(tmp_path: Path) -> None:
    """refs/heads/main.lock (a git stopped while moving the branch) fails the bump's commit
    after the files are written: the error names the lock (git's last line named no file)
    and every file is put back."""
    root = _single(tmp_path / "repo")
    git_init(root)
    lock = root / ".git" / "refs" / "heads" / "main.lock"
    lock.write_text("")
    before = snapshot(root)
    proc = run_relnox("bump", "--part", "minor", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and f"{lock} exists: another git process" in lines[0], lines
    assert f"remove {lock} if no git process runs" in lines[0]
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--pre", "xyz"], "unknown pre-release label 'xyz'"),
        (["--to", "banana"], "--to: 'banana' is not a valid version"),
        ([], "nothing to bump to: give --part"),
    ],
)
def test_a_value_none_of_the_choices_is_a_usage_error(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    root = _single(tmp_path / "repo")
    git_init(root)
    before, state = snapshot(root), git_state(root)
    proc = run_relnox("bump", *args, cwd=root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and expected in lines[0], proc.stderr
    assert snapshot(root) == before and git_state(root) == state


def test_a_bump_without_a_git_identity_names_the_fix_before_any_change(tmp_path: Path) -> None:
    """No user.name/user.email anywhere (git told to guess none): one line with the
    ``git config`` that fixes it, not git's message after the files were written."""
    root = _single(tmp_path / "repo")
    git_init(root)
    run_git(root, "config", "--unset", "user.name")
    run_git(root, "config", "--unset", "user.email")
    (tmp_path / "gitconfig").write_text("[user]\n\tuseConfigOnly = true\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    env.pop("EMAIL", None)
    env["GIT_CONFIG_GLOBAL"] = str(tmp_path / "gitconfig")
    before, state = snapshot(root), git_state(root)
    proc = run_relnox("bump", "--part", "patch", cwd=root, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and "git config --global user.name" in lines[0], proc.stderr
    assert "user.email" in lines[0] and "Author identity unknown" not in proc.stderr
    assert snapshot(root) == before and git_state(root) == state
