"""Changelog sections and release notes with install instructions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.errors import ConfigError, VersionError
from relnox.project.changelog import UNRELEASED, find_section, sections
from relnox.project.discovery import load_workspace
from relnox.release.notes import release_notes
from relnox.sample import ProjectSpec, demo_specs
from relnox.tools.repositories import PYPI, TESTPYPI, builtin
from tests.conftest import run_relnox

CHANGELOG = """# Changelog

## [Unreleased]

### Added
- Coming soon.

## [1.2.0] - 2026-02-01

### Fixed
- A bug.

```
## 9.9.9 inside a code block is not a heading
```

## v1.1.0 (2026-01-15)

- Older.

## 1.0 - first

- First.
"""


def test_sections_and_their_bodies() -> None:
    found = sections(CHANGELOG)
    assert [s.label for s in found] == [UNRELEASED, "1.2.0", "1.1.0", "1.0"]
    section = find_section(CHANGELOG, "1.2.0")
    assert section is not None
    assert section.body.startswith("### Fixed\n- A bug.")
    assert "9.9.9 inside a code block" in section.body
    assert find_section(CHANGELOG, "v1.1.0") is not None
    assert find_section(CHANGELOG, "1.0.0") == find_section(CHANGELOG, "1.0")  # PEP 440 equal
    assert find_section(CHANGELOG, "2.0.0") is None
    unreleased = find_section(CHANGELOG, "unreleased")
    assert unreleased is not None and unreleased.has_entries
    assert not sections("# Changelog\n\n## [Unreleased]\n\n### Added\n")[0].has_entries


@pytest.fixture
def single(make_project: Callable[..., Path]) -> Path:
    root = make_project(ProjectSpec("failextract", "1.2.0"), git=False)
    (root / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    return root


def test_notes_of_a_version(single: Path) -> None:
    notes = release_notes(load_workspace(single), "1.2.0")
    assert notes.packages == ("failextract",)
    assert notes.text.startswith("### Fixed\n- A bug.")
    assert "```bash\npip install failextract==1.2.0\n```" in notes.text
    by_tag = release_notes(load_workspace(single), "v1.2.0")
    assert by_tag.text == notes.text


def test_install_only_notes_leave_the_changelog_out(single: Path) -> None:
    """What a release-triggered workflow appends to notes written on GitHub."""
    notes = release_notes(load_workspace(single), "1.2.0", install_only=True)
    assert notes.text.startswith("## Installation") and "A bug." not in notes.text
    assert "pip install failextract==1.2.0" in notes.text


def test_notes_without_a_section_still_say_how_to_install(single: Path) -> None:
    notes = release_notes(load_workspace(single), "3.0.0", "failextract")
    assert notes.changelog is None
    assert notes.text.startswith("## Installation")
    assert "pip install failextract==3.0.0" in notes.text
    with pytest.raises(VersionError, match="neither a version nor a release tag"):
        release_notes(load_workspace(single), "release-3")


def test_workspace_notes_by_tag_and_by_version(make_workspace: Callable[..., Path]) -> None:
    ws = load_workspace(make_workspace(demo_specs(), git=False))
    by_tag = release_notes(ws, "demo-agents-v0.1.0")
    assert by_tag.packages == ("demo-agents",)
    assert "- First release." in by_tag.text
    assert "pip install demo-agents==0.1.0" in by_tag.text
    every = release_notes(ws, "0.1.0")
    assert every.packages == ("demo-core", "demo-agents", "demo-runtime")
    assert "pip install demo-runtime==0.1.0" in every.text
    assert release_notes(ws, "0.1.0", "demo-core").packages == ("demo-core",)
    with pytest.raises(ConfigError, match="no package of"):
        release_notes(ws, "7.0.0")


@pytest.mark.slow
def test_release_notes_task_writes_the_notes_file(single: Path) -> None:
    proc = run_relnox("release-notes", "v1.2.0", cwd=single, check=True)
    path = single / ".relnox" / "dist" / "release-notes.md"
    assert f"to {path}" in proc.stdout
    assert "pip install failextract==1.2.0" in path.read_text(encoding="utf-8")
    custom = run_relnox("release-notes", "1.2.0", "--output", "notes.md", cwd=single, check=True)
    assert "notes.md" in custom.stdout and (single / "notes.md").is_file()


@pytest.mark.slow
def test_release_notes_lists_the_files_of_the_release(make_workspace: Callable[..., Path]) -> None:
    """--files: the wheels and sdists in dist/ of the tag's package at its version only."""
    demo = make_workspace(demo_specs(), git=False)
    dist = demo / "dist"
    dist.mkdir()
    for name in (
        "demo_core-0.1.0-py3-none-any.whl",
        "demo_core-0.1.0.tar.gz",
        "demo_core-0.0.9.tar.gz",  # an older build
        "demo_agents-0.1.0.tar.gz",  # a sibling's
        "README.txt",
    ):
        (dist / name).write_bytes(b"")
    run_relnox(
        "release-notes", "demo-core-v0.1.0", "--output", "n.md", "--files", "files.txt",
        cwd=demo, check=True,
    )  # fmt: skip
    listed = (demo / "files.txt").read_text(encoding="utf-8").splitlines()
    assert [Path(line).name for line in listed] == [
        "demo_core-0.1.0-py3-none-any.whl",
        "demo_core-0.1.0.tar.gz",
    ]
    assert all(Path(line).is_file() for line in listed)


@pytest.mark.parametrize(
    "name", ["demo_core-0.1.0-py3-none-x\n.env\n.whl", "demo_core-0.1.0 .tar.gz"]
)
def test_a_release_file_whose_name_holds_a_line_end_is_refused_before_any_write(
    make_workspace: Callable[..., Path], name: str
) -> None:
    """--files wrote one path a line, and the workflow reads them back with mapfile for
    gh release create: a name with a line end in dist/ listed '.env' (a file of the checkout)
    as an asset to attach. It is refused, naming it on one line, and nothing is written."""
    demo = make_workspace(demo_specs(), git=False)
    dist = demo / "dist"
    dist.mkdir()
    for each in ("demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz", name):
        (dist / each).write_bytes(b"")
    proc = run_relnox(
        "release-notes", "demo-core-v0.1.0", "--output", "n.md", "--files", "files.txt", cwd=demo
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert repr(name) in line and "remove it from dist/" in line
    assert not (demo / "n.md").exists() and not (demo / "files.txt").exists()


def test_a_release_file_that_links_to_another_name_is_refused_as_publish_refuses_it(
    make_workspace: Callable[..., Path],
) -> None:
    """--files lists what publish would upload: a wheel in dist/ that is a link to a file of
    another name (which installers read) is refused by both, in the same words."""
    demo = make_workspace(demo_specs(), git=False)
    dist = demo / "dist"
    dist.mkdir()
    (dist / "demo_core-0.1.0.tar.gz").write_bytes(b"")
    (demo / "elsewhere.whl").write_bytes(b"")
    (dist / "demo_core-0.1.0-py3-none-any.whl").symlink_to(demo / "elsewhere.whl")
    proc = run_relnox(
        "release-notes", "demo-core-v0.1.0", "--output", "n.md", "--files", "files.txt", cwd=demo
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "whose name is not the distribution's" in line
    assert not (demo / "files.txt").exists()


def test_a_pre_release_says_the_index_it_went_to(single: Path) -> None:
    notes = release_notes(load_workspace(single), "1.3.0rc1", "failextract")
    assert "failextract 1.3.0rc1 is on TestPyPI:" in notes.text
    test_index = builtin(TESTPYPI)
    pypi = builtin(PYPI)
    assert test_index is not None and pypi is not None
    assert (
        f"pip install --index-url {test_index.simple_url} --extra-index-url {pypi.simple_url} "
        "failextract==1.3.0rc1" in notes.text
    )
    final = release_notes(load_workspace(single), "1.2.0")
    assert "is on PyPI:" in final.text
    local = release_notes(load_workspace(single), "1.2.0", repository="http://127.0.0.1:1/")
    assert "is on http://127.0.0.1:1/:" in local.text


@pytest.mark.parametrize(
    ("flags", "refusal"),
    [
        (["--output", "."], "--output .: is a directory"),
        (["--files", "."], "--files .: is a directory"),
        (["--output", "dist/notes.md"], "--output dist/notes.md: lies in"),
        (["--files", "dist/files.txt"], "which holds only distributions"),
        (["--output", "README.md/notes.md"], "README.md is a file, not a directory"),
    ],
)
def test_a_notes_path_that_cannot_take_them_is_refused_before_either_is_written(
    single: Path, flags: list[str], refusal: str
) -> None:
    """A directory gave a traceback (after the notes were written, for --files), and dist/
    took the notes among the files twine upload dist/* sends."""
    (single / "README.md").write_text("readme\n", encoding="utf-8")
    proc = run_relnox("release-notes", "1.2.0", *flags, cwd=single)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert refusal in proc.stderr
    assert not (single / ".relnox").exists() and not (single / "dist").exists()


def test_notes_are_taken_back_when_the_file_list_cannot_be_written(single: Path) -> None:
    """All or nothing: the list fails at its write (no file can be made in /proc), so the
    notes written before it are taken back; a name too long is refused before either."""
    for listing, said in (
        ("/proc/relnox-files.txt", "/proc/relnox-files.txt: cannot be"),
        ("x" * 300, "(File name too long)"),
    ):
        proc = run_relnox(
            "release-notes", "1.2.0", "--output", "notes.md", "--files", listing, cwd=single
        )
        assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
        assert said in proc.stderr and "Traceback" not in proc.stderr
        assert not (single / "notes.md").exists()


def test_notes_for_a_version_no_release_made_are_refused(single: Path) -> None:
    """release-notes 9.9.9 (a typo for 1.2.0, or a tag never made) wrote 'failextract 9.9.9
    is on PyPI: pip install failextract==9.9.9'; a version neither the package's own nor
    released by a tag is refused, naming both, and nothing is written."""
    proc = run_relnox("release-notes", "9.9.9", "--output", "notes.md", cwd=single)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert "failextract is at 1.2.0 and no tag of it releases 9.9.9" in line, line
    assert not (single / "notes.md").exists()
    run_relnox("release-notes", "1.2.0", "--output", "notes.md", cwd=single, check=True)
    forced = ["release-notes", "9.9.9", "-p", "failextract", "--output", "-"]
    assert "failextract==9.9.9" in run_relnox(*forced, cwd=single, check=True).stdout


@pytest.mark.parametrize("flag", ["--output", "--files"])
def test_an_output_that_is_no_regular_file_is_refused_not_replaced(
    single: Path, tmp_path: Path, flag: str
) -> None:
    """--output /dev/null (or --files, audit --markdown) was written atomically: a file
    renamed over the name, so as root /dev/null itself became a regular file. A name that
    holds a device, a pipe or a socket is refused and left as it is (a pipe here)."""
    import os
    import stat

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    args = ["--output", str(pipe)] if flag == "--output" else ["--files", str(pipe)]
    proc = run_relnox("release-notes", "1.2.0", *args, cwd=single)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert f"{flag} {pipe}: is not a regular file" in line, line
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_publish_routing_that_names_no_index_is_one_line_naming_the_setting(
    single: Path,
) -> None:
    """The notes name the index by the publish routing, so they refuse what publish refuses."""
    pyproject = single / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(f"{text}\n[tool.relnox.publish]\nfinal = 3\n", encoding="utf-8")
    proc = run_relnox("release-notes", "1.2.0", cwd=single)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "[tool.relnox.publish] final must be a repository name or URL, not 3" in line
    assert not (single / ".relnox" / "dist" / "release-notes.md").exists()


def test_the_notes_of_a_project_with_a_page_per_release_are_its_page(tmp_path: Path) -> None:
    """Docs with one page of notes per release (``docs/source/release-notes/7.3.0.rst``) and
    no CHANGELOG.md: doctor reads the page as the changelog, while the release notes said
    only how to install; they now hold the page, its title aside."""
    from tests.shapes import project, repo

    files = {
        "pyproject.toml": project("flakeish", "7.3.0"),
        "flakeish/__init__.py": "",
        "docs/source/release-notes/7.2.0.rst": "7.2.0 -- 2025-03-29\n----\n\n- Older.\n",
        "docs/source/release-notes/7.3.0.rst": "7.3.0 -- 2025-06-20\n-------------------\n\n"
        "You can view the `7.3.0 milestone`_.\n\nNew Dependency Information\n~~~~\n\n- pyflakes\n",
    }
    root = repo(tmp_path / "r", files, tags=["7.2.0"])
    notes = release_notes(load_workspace(root), "7.3.0")
    assert notes.text.startswith("You can view the `7.3.0 milestone`_.\n\nNew Dependency")
    assert "- pyflakes\n\n## Installation" in notes.text
    assert notes.changelog == root / "docs/source/release-notes/7.3.0.rst"
