"""The plan's per-package SOURCE_DATE_EPOCH: each package's last commit time, remembered
between runs only while HEAD and the refs are unchanged (relnox.tools.history)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from relnox.builds.plan import BuildOptions, plan_build
from relnox.errors import ConfigError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_init, write_workspace
from relnox.tools import git, history

JAN, FEB, MAR = (
    "2026-01-01T12:00:00+00:00",
    "2026-02-01T12:00:00+00:00",
    "2026-03-01T12:00:00+00:00",
)


def _commit(root: Path, monkeypatch: pytest.MonkeyPatch, when: str, path: str) -> None:
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, when)
    (root / path).write_text(when + "\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"edit {path}"], cwd=root, check=True)


def _epochs(root: Path) -> dict[str, int | None]:
    plan = plan_build(load_workspace(root), BuildOptions())
    return {p.name: plan.epoch_of(p) for p in plan.packages}


def test_epochs_follow_new_commits_and_are_kept_between_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = write_workspace(tmp_path / "ws", [ProjectSpec("ep-one"), ProjectSpec("ep-two")])
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, JAN)
    git_init(root)
    first = _epochs(root)
    assert set(first.values()) == {1767268800}
    key = history.key_of(git.head(root), history.ref_listing(root), history.git_state(root).paths)
    assert key is not None and key.path.is_file()
    kept = key.path

    # kept: the answer stands without git being asked (a wrong one planted shows it)
    text = kept.read_text(encoding="utf-8")
    kept.write_text(text.replace("1767268800", "1234"), encoding="utf-8")
    assert set(_epochs(root).values()) == {1234}

    # a commit to one package: a new HEAD, its time read again; the other keeps its own
    one = next(p for p in load_workspace(root).packages if p.name == "ep-one").directory
    _commit(root, monkeypatch, FEB, str((one / "NEWS.txt").relative_to(root)))
    assert _epochs(root) == {"ep-one": 1769947200, "ep-two": 1767268800}
    # an unrelated commit changes neither
    _commit(root, monkeypatch, MAR, "NOTES.md")
    assert _epochs(root) == {"ep-one": 1769947200, "ep-two": 1767268800}


def _probes(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Each installer probe (``find_installer``) the plans below make."""
    from relnox.tools import envs

    asked: list[str | None] = []
    real = envs.find_installer

    def counting(preferred: str | None = None, **kwargs: object) -> envs.Installer:
        asked.append(preferred)
        return real(preferred, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(envs, "find_installer", counting)
    return asked


@pytest.mark.slow  # builds
def test_a_plan_that_reuses_every_build_asks_for_no_installer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--installer auto: uv is asked whether it runs only when a package is to be built;
    the manifest keeps naming the installer that made the files it records."""
    from relnox.artifacts.manifest import read_manifest
    from relnox.builds.run import execute

    root = write_workspace(tmp_path / "ws", [ProjectSpec("inst-one"), ProjectSpec("inst-two")])
    git_init(root)
    asked = _probes(monkeypatch)
    first = plan_build(load_workspace(root), BuildOptions())
    assert first.installer is not None and asked == ["auto"]  # no manifest yet: at once
    execute(first).raise_for_failures()
    made = read_manifest(root / "dist").extra["installer"]
    assert made == first.installer.name
    again = plan_build(load_workspace(root), BuildOptions())
    assert sorted(again.reuse) == ["inst-one", "inst-two"] and again.installer is None
    assert asked == ["auto"] and "no environment: every package is reused" in again.describe()[0]
    execute(again).raise_for_failures()
    assert read_manifest(root / "dist").extra["installer"] == made
    pinned = plan_build(load_workspace(root), BuildOptions(installer="pip"))  # asked for
    assert pinned.installer is not None and pinned.installer.name == "pip"
    assert asked == ["auto", "pip"]
    (root / "packages" / "inst-two" / "README.md").write_text("changed\n", encoding="utf-8")
    changed = plan_build(load_workspace(root), BuildOptions())
    assert sorted(changed.reuse) == ["inst-one"] and changed.installer is not None
    assert asked == ["auto", "pip", "auto"] and changed.installer.name == made


def test_planning_and_reusing_load_no_build_machinery() -> None:
    """What a rerun that reuses every build runs (the plan, execute) loads neither the
    build environments nor the installers, the hooks or the tests' runner: they are loaded
    when a package is built."""
    import sys

    code = (
        "import sys, relnox.builds.plan, relnox.builds.run\nprint(' '.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    for module in (
        "relnox.builds.envpool",
        "relnox.builds.backend",
        "relnox.artifacts.reproducible",
        "relnox.tools.envs",
        "pyproject_hooks",
    ):
        assert module not in loaded


@pytest.mark.parametrize(("dist", "out"), [(".", None), ("..", None), (None, "."), (None, "..")])
def test_a_dist_directory_at_or_above_the_root_is_refused_before_anything_is_written(
    tmp_path: Path, dist: str | None, out: str | None
) -> None:
    """dist-dir = "." put the built files among the sources and relnox's records in
    ``../.relnox/``, outside the repository; nothing is built or written now."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("own-dist")])
    if dist is not None:
        pyproject = root / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text(encoding="utf-8") + f'\n[tool.relnox]\ndist-dir = "{dist}"\n',
            encoding="utf-8",
        )
    git_init(root)
    before = sorted(p.name for p in tmp_path.iterdir()), sorted(p.name for p in root.iterdir())
    options = BuildOptions(out=str(root / out) if out else None)
    setting = "--out" if out else f"{root / 'pyproject.toml'}: [tool.relnox] dist-dir"
    with pytest.raises(ConfigError, match=rf"^{re.escape(setting)} .* is the repository's root"):
        plan_build(load_workspace(root), options)
    after = sorted(p.name for p in tmp_path.iterdir()), sorted(p.name for p in root.iterdir())
    assert after == before


@pytest.mark.parametrize(
    ("dist", "inside"), [(".git", ".git"), (".git/out", ".git"), ("packages/own-b/d", "own-b")]
)
def test_a_dist_directory_in_git_or_in_a_member_package_is_refused(
    tmp_path: Path, dist: str, inside: str
) -> None:
    """dist-dir = ".git" put the wheels into git's own directory, and a member's directory
    put them where that member's next sdist takes them in; refused before anything is built
    (the root's own directory holds dist/ as ever)."""
    root = write_workspace(
        tmp_path / "ws",
        [ProjectSpec("own-a"), ProjectSpec("own-b")],
        relnox=f'dist-dir = "{dist}"\n',
    )
    git_init(root)
    setting = f"{root / 'pyproject.toml'}: [tool.relnox] dist-dir"
    with pytest.raises(ConfigError, match=rf"^{re.escape(setting)} .* lies in .*{inside}, where"):
        plan_build(load_workspace(root), BuildOptions())
    assert not (root / dist).exists() or dist == ".git"
    plan_build(load_workspace(root), BuildOptions(out=str(root / "dist")))  # the usual place
