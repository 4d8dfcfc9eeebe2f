"""changelog_of: which changelog is a package's in a workspace sharing one at its root."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


def _news(name: str, *versions: str) -> str:
    """An rst changelog whose release headings name ``name``, the first unreleased."""
    parts = ["Release notes\n=============\n"]
    for i, version in enumerate(versions):
        title = f"{name} {version}".strip() + (" (unreleased)" if i == 0 else "")
        parts.append(f"{title}\n{'^' * len(title)}\n\n- A change of {version}.\n")
    return "\n".join(parts)


def _workspace(tmp_path: Path) -> Path:
    """A library and its twin on plain version tags, sharing docs/news.rst titled with the
    library's name; a pool released on its own (pool- tags) with docs/news_pool.rst; a lint
    plugin no tag released, a member because the library's dev extra requires it."""

    def files(version: str, pool: str) -> dict[str, str]:
        dev = '[project.optional-dependencies]\ndev = ["lint-plugin"]\n'
        return {
            "lib/pyproject.toml": project(
                "lib", version, extra=dev, requires=[f"lib-c=={version}"]
            ),
            "lib_c/pyproject.toml": project("lib-c", version),
            "lib_pool/pyproject.toml": project("lib-pool", pool),
        }

    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
            "tools/lint-plugin/pyproject.toml": project("lint-plugin", "0.0.2"),
            **files("1.0.0", "0.1.0"),
        },
        tags=["1.0.0", "pool-0.1.0"],
    )
    commit(root, files("1.0.1", "0.1.0"), "1.0.1")
    news = {
        "docs/news.rst": _news("Lib", "1.0.2", "1.0.1", "1.0.0"),
        "docs/news_pool.rst": _news("lib_pool", "0.2.0", "0.1.0"),
    }
    commit(root, {**files("1.0.2.dev1", "0.2.0.dev1"), **news})
    return root


def test_a_changelog_named_after_a_package_is_its_and_anothers_is_not(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    doctor = run_relnox("doctor", "-v", cwd=root)
    said = {
        line.split()[1]: line
        for line in doctor.stdout.splitlines()
        if line.startswith("changelog ")
    }
    assert "docs/news.rst has a section for 1.0.2" in said["lib-c"], doctor.stdout
    assert "docs/news_pool.rst has a section for 0.2.0" in said["lib-pool"], doctor.stdout
    # the plugin no release acts on gets no findings; named, the library's is not its
    assert "lint-plugin" not in said, doctor.stdout
    named = run_relnox("doctor", "-v", "-p", "lint-plugin", cwd=root).stdout
    assert "changelog lint-plugin" in named and "no tools/lint-plugin/CHANGELOG.md;" in named
    bump = run_relnox("bump", "--part", "minor", "--dry-run", "-p", "lib-pool", cwd=root)
    assert "--- a/docs/news_pool.rst" in bump.stdout, bump.stdout + bump.stderr
    assert "--- a/docs/news.rst" not in bump.stdout, bump.stdout
    bump = run_relnox("bump", "--part", "patch", "--dry-run", "-p", "lib", cwd=root)
    assert "+Lib 1.0.2 (" in bump.stdout or "-Lib 1.0.2 (unreleased)" in bump.stdout, bump.stdout


def test_a_changelog_of_another_packages_versions_is_not_an_unreleased_ones(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    commit(root, {"docs/news.rst": _news("", "1.0.2", "1.0.1", "1.0.0")})
    doctor = run_relnox("doctor", "-v", cwd=root)
    said = {
        line.split()[1]: line
        for line in doctor.stdout.splitlines()
        if line.startswith("changelog ")
    }
    assert "docs/news.rst has a section for 1.0.2" in said["lib"], doctor.stdout
    named = run_relnox("doctor", "-v", "-p", "lint-plugin", cwd=root).stdout
    plugin = [line for line in named.splitlines() if line.startswith("changelog lint-plugin")]
    assert plugin and "docs/news.rst" not in plugin[0], named


def test_a_changelog_one_folder_into_the_docs_is_found_and_moved(tmp_path: Path) -> None:
    """The changelog kept at ``docs/content/news.md`` (a docs site's content folder), none at
    the top: doctor reads it and the bump releases its Unreleased entries there."""
    news = "# Changelog\n\n## Unreleased\n\n- Fix.\n\n## 1.4.0 - 2026-01-05\n\n- Old.\n"
    files = {"pyproject.toml": project("site", "1.4.0"), "site/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "docs/content/news.md": news}, tags=["v1.4.0"])
    checked = run_relnox("doctor", "-v", cwd=root).stdout
    assert "docs/content/news.md has a section for 1.4.0" in checked
    bumped = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert "+++ b/docs/content/news.md" in bumped and "+## 1.4.1" in bumped


def test_release_notes_in_a_section_folder_of_the_docs_are_the_changelog(tmp_path: Path) -> None:
    """No changelog at the top nor in ``docs/``: the docs keep it in one of their section
    folders (``docs/about/release-notes.md``, beside pages of another kind). doctor finds
    its section of the last release, and the release notes are that section's."""
    notes = "# Release Notes\n\n## Version 1.6.1 (2024-08-30)\n\n- Fix the build of a page.\n"
    files = {
        "pyproject.toml": project("acme", "1.6.1"),
        "acme/__init__.py": "",
        "docs/index.md": "# acme\n",
        "docs/about/contributing.md": "# Contributing\n\n## Version control\n\n- Use git.\n",
        "docs/about/release-notes.md": notes,
    }
    root = repo(tmp_path / "r", files, tags=["1.6.1"])
    doctor = run_relnox("doctor", cwd=root).stdout
    assert "docs/about/release-notes.md has a section for 1.6.1" in doctor, doctor
    said = run_relnox("release-notes", "1.6.1", "-o", "-", cwd=root, check=True).stdout
    assert "Fix the build of a page." in said


def _lockstep(tmp_path: Path) -> Path:
    """Two members released together under one tag (``v1.0.1``), each with its own
    CHANGELOG.md last written before 1.0.0, while each release commit moved both versions
    and wrote the top CHANGELOG.md (Unreleased entries since)."""
    stale = "# Changelog\n\n## 0.9.0\n\n- Old.\n"

    def files(version: str, released: list[str]) -> dict[str, str]:
        top = "".join(f"## {v}\n\n- Change of {v}.\n\n" for v in reversed(released))
        return {
            "CHANGELOG.md": f"# Changelog\n\n{top}",
            "pkgs/alpha/pyproject.toml": project("alpha", version),
            "pkgs/beta/pyproject.toml": project("beta", version),
        }

    workspace = '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": workspace,
            "pkgs/alpha/CHANGELOG.md": stale,
            "pkgs/beta/CHANGELOG.md": stale,
            **files("1.0.0", ["1.0.0"]),
        },
        tags=["v1.0.0"],
    )
    released = ["1.0.0"]
    for version in ("1.0.1", "1.0.2", "1.0.3"):
        commit(root, {"pkgs/alpha/src.py": f"fix = {len(released)}\n"}, message="fix")
        released.append(version)
        commit(root, files(version, released), f"v{version}", message=f"release {version}")
    top = (root / "CHANGELOG.md").read_text().replace("\n\n", "\n\n## Unreleased\n\n- Next.\n\n", 1)
    commit(root, {"CHANGELOG.md": top})
    return root


def test_a_members_changelog_its_release_commits_left_gives_way_to_the_top_one(
    tmp_path: Path,
) -> None:
    """The members' own changelogs went stale while their release commits wrote the top
    one: the top one is their changelog (the bump writes there, doctor reads it) and doctor
    says why. A release commit that wrote a member's own one keeps it that member's."""
    root = _lockstep(tmp_path)
    bump = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert "+++ b/CHANGELOG.md" in bump.stdout and "+## 1.0.4" in bump.stdout, bump.stdout
    assert "pkgs/alpha/CHANGELOG.md" not in bump.stdout + bump.stderr, bump.stdout + bump.stderr
    doctor = run_relnox("doctor", "-v", cwd=root)
    said = [line for line in doctor.stdout.splitlines() if line.startswith("changelog ")]
    assert said and all(
        line.split()[3:8] == ["CHANGELOG.md", "has", "a", "section", "for"] for line in said
    ), doctor.stdout
    assert "warn" not in "".join(said), doctor.stdout
    why = "not pkgs/alpha/CHANGELOG.md, which the release commits of v1.0.1, v1.0.2, v1.0.3 left"
    assert why in doctor.stdout, doctor.stdout
    own = "# Changelog\n\n## 1.0.4\n\n- Fix.\n"
    files = {f"pkgs/{n}/pyproject.toml": project(n, "1.0.4") for n in ("alpha", "beta")}
    commit(root, {**files, "CHANGELOG.md": "# Changelog\n\n## 1.0.4\n\n- Fix.\n"}, "v1.0.4")
    commit(root, {"pkgs/alpha/CHANGELOG.md": own})  # alpha's written by hand: nothing learnt
    files = {f"pkgs/{n}/pyproject.toml": project(n, "1.0.5") for n in ("alpha", "beta")}
    both = {
        "CHANGELOG.md": "# Changelog\n\n## 1.0.5\n",
        "pkgs/alpha/CHANGELOG.md": own + "\n## 1.0.5\n",
    }
    commit(root, {**files, **both}, "v1.0.5")
    later = run_relnox("doctor", "-v", cwd=root).stdout
    chosen = {
        line.split()[1]: line.split()[3] for line in later.splitlines() if "changelog " in line
    }
    assert chosen == {"alpha": "pkgs/alpha/CHANGELOG.md", "beta": "CHANGELOG.md"}, later
