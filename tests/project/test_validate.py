"""Every input checked before work: a hostile member is one line naming its file, never a
traceback, never a package silently left out (relnox.project.validate, load_workspace)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.bump import BumpOptions
from relnox.errors import ConfigError, RelnoxError, VersionError
from relnox.project.discovery import discover, load_workspace
from relnox.release.doctor import doctor
from tests.conftest import run_relnox
from tests.shapes import project, repo

GOOD = project("good-pkg", "1.0.0")
ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'


def _text(body: str) -> Callable[[Path], None]:
    def make(member: Path) -> None:
        (member / "pyproject.toml").write_text(body, encoding="utf-8", newline="")

    return make


def _bytes(body: bytes) -> Callable[[Path], None]:
    def make(member: Path) -> None:
        (member / "pyproject.toml").write_bytes(body)

    return make


def _directory(member: Path) -> None:
    (member / "pyproject.toml").mkdir()
    (member / "pyproject.toml" / "x").write_text("a directory named pyproject.toml")


def _loop(member: Path) -> None:
    os.symlink("other.toml", member / "pyproject.toml")
    os.symlink("pyproject.toml", member / "other.toml")


def _dangling(member: Path) -> None:
    os.symlink("../nowhere/pyproject.toml", member / "pyproject.toml")


def _setup_cfg(member: Path) -> None:
    (member / "setup.py").write_text("from setuptools import setup\nsetup()\n")
    (member / "setup.cfg").write_text("[metadata\nname = bad\n")


def _setup_py_binary(member: Path) -> None:
    (member / "setup.py").write_bytes(b"\xff\xfe name='bad'")


V = 'name = "bad-pkg"\nversion = "1.0.0"\n'
HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    # case: (write the member, what its one line says)
    "empty name": (_text('[project]\nname = ""\nversion = "1.0.0"\n'), "[project] has no name"),
    "name not a string": (
        _text('[project]\nname = 5\nversion = "1.0.0"\n'),
        "[project] name must be a string, not int",
    ),
    "version an int": (
        _text('[project]\nname = "bad-pkg"\nversion = 1\n'),
        "[project].version must be a string",
    ),
    "version a float": (
        _text('[project]\nname = "bad-pkg"\nversion = 1.0\n'),
        "[project].version must be a string",
    ),
    "version of 10,000 characters": (
        _text('[project]\nname = "bad-pkg"\nversion = "1.0.' + "1" * 10_000 + '"\n'),
        "more than the 255 relnox accepts",
    ),
    "version not PEP 440": (
        _text('[project]\nname = "bad-pkg"\nversion = "one"\n'),
        "'one' is not a valid PEP 440 version",
    ),
    "project not a table": (_text('project = "bad-pkg"\n'), "[project] must be a table, not str"),
    "dynamic not a list": (
        _text('[project]\nname = "bad-pkg"\ndynamic = "version"\n'),
        "[project] dynamic must be a list of strings",
    ),
    "version static and dynamic": (
        _text(f'[project]\n{V}dynamic = ["version"]\n'),
        "[project] sets version and lists it in dynamic",
    ),
    "dependencies not strings": (
        _text(f"[project]\n{V}dependencies = [1]\n"),
        "[project] dependencies must be a list of strings, but holds 1",
    ),
    "build-system not a table": (
        _text(f"build-system = 1\n[project]\n{V}"),
        "[build-system] must be a table, not int",
    ),
    "requires not a list": (
        _text(f'[build-system]\nrequires = "hatchling"\n[project]\n{V}'),
        "[build-system] requires must be a list of strings",
    ),
    "[tool.relnox] not a table": (
        _text(f"[project]\n{V}[tool]\nrelnox = 3\n"),
        "[tool] relnox must be a table",
    ),
    "readme an int": (_text(f"[project]\n{V}readme = 3\n"), "[project] readme must be a string"),
    "no [project] at all": (_text("[tool.ruff]\nline-length = 99\n"), "without a [project] table"),
    "empty file": (_text(""), "without a [project] table"),
    "BOM": (_bytes(b"\xef\xbb\xbf[project]\n" + V.encode()), "byte order mark"),
    "invalid UTF-8": (_bytes(b'[project]\nname = "bad\xff"\nversion = "1"\n'), "not UTF-8"),
    "NUL byte": (_bytes(b"[project]\n" + V.encode() + b"x = '\x00'\n"), "invalid TOML"),
    "invalid TOML": (_text("[project\n"), "invalid TOML"),
    # tomllib's ValueError for an int past Python's text-to-int limit, and RecursionError
    "an integer of 5,000 digits": (
        _text(f"[project]\n{V}[tool.x]\nn = 1{'0' * 5000}\n"),
        "invalid TOML (an integer of more digits than can be read)",
    ),
    "arrays nested 5,000 deep": (
        _text(f"[project]\n{V}[tool.x]\nn = {'[' * 5000}{']' * 5000}\n"),
        "invalid TOML (arrays or tables nested too deeply)",
    ),
    # Path.is_file() raises ENAMETOOLONG (before Python 3.13): a traceback in every command
    "a version path too long for the system": (
        _text(
            '[project]\nname = "bad-pkg"\ndynamic = ["version"]\n[build-system]\n'
            'requires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
            f'[tool.hatch.version]\npath = "{"a/" * 3000}v.py"\n'
        ),
        "names a path the system cannot look up (File name too long",
    ),
    "a directory": (_directory, "is a directory, not a TOML file"),
    "a symlink loop": (_loop, "a symbolic link loop"),
    "a broken symlink": (_dangling, "a broken symbolic link"),
    "setup.cfg unreadable": (_setup_cfg, "setup.cfg: cannot be read"),
    "setup.py not UTF-8": (_setup_py_binary, "setup.py: not UTF-8 text"),
}


def _workspace(root: Path, make: Callable[[Path], None]) -> Path:
    repo(root, {"pyproject.toml": ROOT, "packages/good/pyproject.toml": GOOD})
    bad = root / "packages" / "bad"
    bad.mkdir()
    make(bad)
    return bad


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_member_is_one_line_with_its_file(tmp_path: Path, case: str) -> None:
    make, expected = HOSTILE[case]
    bad = _workspace(tmp_path / "ws", make)
    # discover (doctor, check-versions) keeps the good package and names the bad one
    ws = discover(tmp_path / "ws")
    assert [p.name for p in ws.packages] == ["good-pkg"]
    assert len(ws.problems) == 1 and str(bad) in ws.problems[0], ws.problems
    assert expected in ws.problems[0] and "\n" not in ws.problems[0]
    assert len(ws.problems[0]) < 600  # a 10,000-character value is not echoed back
    # every command that loads the workspace refuses, with that one line and the way on
    with pytest.raises(RelnoxError) as info:
        load_workspace(tmp_path / "ws")
    way = "or act on the 1 sound package alone: --package NAME"
    assert str(info.value) == f"{ws.problems[0]}; {way}"
    # doctor lists it as a finding
    report = doctor(tmp_path / "ws")
    assert any(c.status == "error" and str(bad) in c.detail for c in report.checks)


def test_a_path_too_long_to_look_up_is_one_line_in_any_command(tmp_path: Path) -> None:
    """A setting naming a path longer than the system looks up (a changelog, a dist-dir), read
    after the workspace loaded, was an OSError traceback (ENAMETOOLONG); every command now
    ends on one line naming the path, cut short."""
    long = "a" * 5000
    root = repo(
        tmp_path / "ws",
        {"pyproject.toml": project("long-pkg", extra=f'[tool.relnox]\nchangelog = "{long}"\n')},
    )
    for command in (["doctor"], ["release-notes", "1.0.0", "-o", "-"]):
        proc = run_relnox(*command, cwd=root)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("relnox: error")]
        assert "names a path the system cannot look up (File name too long" in line, line
        assert " characters)); fix it" in line and len(line) < 400


def test_the_command_line_shows_it_once_without_a_traceback(tmp_path: Path) -> None:
    """One real child per command: packages, plan and check-versions refuse with the file."""
    make, expected = HOSTILE["version of 10,000 characters"]
    bad = _workspace(tmp_path / "ws", make)
    for command in ("packages", "plan", "check-versions"):
        proc = run_relnox(command, cwd=tmp_path / "ws")
        assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        shown = proc.stdout + proc.stderr
        assert str(bad / "pyproject.toml") in shown and expected in shown, (command, shown)


def _names_alike(root: Path) -> None:
    repo(
        root,
        {
            "pyproject.toml": ROOT,
            "packages/a/pyproject.toml": project("Foo_Bar", "1.0.0"),
            "packages/b/pyproject.toml": project("foo-bar", "1.0.0"),
            "packages/c/pyproject.toml": "[project\n",
            "packages/d/pyproject.toml": project("d-pkg", "zero"),
            "packages/good/pyproject.toml": GOOD,
        },
    )


def test_every_problem_is_listed_together_each_with_its_file(tmp_path: Path) -> None:
    """Two names that normalise alike (PEP 503), one problem said once naming both, and
    two malformed members: three lines."""
    root = tmp_path / "ws"
    _names_alike(root)
    with pytest.raises(ConfigError) as info:
        load_workspace(root)
    lines = str(info.value).splitlines()
    assert lines[0] == (
        f"3 problems in the packages of {root}; fix each file below (relnox doctor lists them too):"
    )
    body = "\n".join(lines[1:])
    for member, text in (
        ("a", "the project names 'Foo_Bar' and 'foo-bar' are one name, foo-bar, as indexes"),
        ("c", "invalid TOML"),
        ("d", "'zero' is not a valid PEP 440 version"),
    ):
        file = root / "packages" / member / "pyproject.toml"
        line = next(line for line in lines[1:] if line.strip().startswith(f"{file}"))
        assert text in line, body
    assert "packages/a/pyproject.toml and packages/b/pyproject.toml:" in body
    assert body.count("one name") == 1, body  # was a sentence for each of the two
    assert "give each package its own name" in body
    proc = run_relnox("packages", "--json", cwd=root)  # the sound package listed all the same
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    shown = json.loads(proc.stdout)
    assert [p["name"] for p in shown["packages"]] == ["good-pkg"]
    assert len(shown["problems"]) == 3
    assert shown["exit_code"] == 1 and shown["ok"] is False  # --json: one document
    assert proc.stderr.count("\n") == 4 and proc.stderr.startswith("relnox: error: 3 problems")
    # doctor names the same three as findings
    checks = doctor(root).checks
    assert sum(c.status == "error" and c.check == "version sources" for c in checks) == 3


def test_check_versions_shows_every_error_of_thirty_packages(tmp_path: Path) -> None:
    files = {"pyproject.toml": ROOT}
    kinds = ['version = "v.{i}"', "version = {i}", 'version = "1.0.{i}"\ndynamic = "x"']
    for i in range(30):
        files[f"packages/p{i}/pyproject.toml"] = f'[project]\nname = "p{i}"\n' + kinds[
            i % 3
        ].format(i=i)
    repo(tmp_path / "ws", files)
    proc = run_relnox("check-versions", "--json", cwd=tmp_path / "ws")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    problems = json.loads(proc.stdout)["problems"]
    assert len(problems) == 30
    assert {p.split(":")[0].split(" ")[0] for p in problems} == {
        str(tmp_path / "ws" / f"packages/p{i}/pyproject.toml") for i in range(30)
    }


def test_a_symlink_loop_in_a_workspace_glob_is_named(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    repo(root, {"pyproject.toml": ROOT, "packages/good/pyproject.toml": GOOD})
    os.symlink("loop", root / "packages" / "loop")  # packages/loop -> packages/loop
    with pytest.raises(ConfigError, match=r"packages/loop: cannot be resolved .*symbolic link"):
        load_workspace(root)
    # excluded by the workspace, it is not looked at
    (root / "pyproject.toml").write_text(ROOT + 'exclude = ["packages/loop"]\n')
    assert [p.name for p in load_workspace(root).packages] == ["good-pkg"]


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_root_that_is_not_a_directory(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "there"
    if kind == "a file":
        root.write_text("")
    proc = run_relnox("packages", "--root", str(root), cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    expected = "no such directory" if kind == "missing" else "is a file, not a directory"
    assert f"{root}: {expected}" in proc.stderr and proc.stderr.count("\n") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_pyproject(tmp_path: Path) -> None:
    bad = _workspace(tmp_path / "ws", _text(project("bad-pkg")))
    (bad / "pyproject.toml").chmod(0)
    with pytest.raises(ConfigError, match=r"pyproject.toml: cannot be read \(permission denied\)"):
        load_workspace(tmp_path / "ws")


def test_crlf_is_read_like_lf(tmp_path: Path) -> None:
    _workspace(tmp_path / "ws", _text(project("bad-pkg", "2.0.0").replace("\n", "\r\n")))
    versions = {p.name: p.version for p in load_workspace(tmp_path / "ws").packages}
    assert versions == {"good-pkg": "1.0.0", "bad-pkg": "2.0.0"}


def test_a_version_error_stays_a_version_error(tmp_path: Path) -> None:
    _workspace(tmp_path / "ws", _text(project("bad-pkg", "one")))
    with pytest.raises(VersionError):
        load_workspace(tmp_path / "ws")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("a directory", "pyproject.toml: is a directory, not a TOML file"),
        ("a symlink loop", "pyproject.toml: cannot be read (Too many levels of symbolic links)"),
        ("a broken symlink", "pyproject.toml: file not found; create it, or fix the setting"),
        ("a BOM", "pyproject.toml: starts with a UTF-8 byte order mark"),
        ("[project] a string", "pyproject.toml: [project] must be a table, not str"),
    ],
)
def test_a_hostile_root_pyproject_is_one_line(tmp_path: Path, kind: str, expected: str) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    pyproject = root / "pyproject.toml"
    if kind == "a directory":
        pyproject.mkdir()
    elif kind == "a symlink loop":
        os.symlink("pyproject.toml", pyproject)
    elif kind == "a broken symlink":
        os.symlink("gone.toml", pyproject)
    elif kind == "a BOM":
        pyproject.write_bytes(b"\xef\xbb\xbf" + project("x").encode())
    else:
        pyproject.write_text('project = "x"\n')
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"relnox: error: {root}/{expected}"), proc.stderr
    assert proc.stderr.count("\n") == 1


@pytest.mark.parametrize("bad", ['name = ["root"]', 'dependencies = "good-pkg"'])
def test_a_root_package_of_the_wrong_shape_is_its_own_finding(tmp_path: Path, bad: str) -> None:
    """A root that is a package and lists members, its [project] of the wrong shape: the
    members are listed and bumped, the root is the one-line finding (before, it stopped the
    whole workspace, every member lost)."""
    text = project("root", requires=["good-pkg"]).replace(
        'name = "root"' if bad.startswith("name") else 'dependencies = ["good-pkg"]', bad
    )
    files = {"pyproject.toml": text + ROOT, "packages/good/pyproject.toml": GOOD}
    root = repo(tmp_path / "ws", files)
    listed = run_relnox("packages", cwd=root)
    assert listed.returncode == 1 and "good-pkg" in listed.stdout, listed.stderr
    assert listed.stderr.startswith(f"relnox: error: {root}/pyproject.toml: [project] ")
    assert listed.stderr.count("\n") == 1 and "Traceback" not in listed.stderr
    bumped = run_relnox("bump", "--part", "patch", "--package", "good-pkg", cwd=root)
    assert bumped.returncode == 0, bumped.stderr
    assert 'version = "1.0.1"' in (root / "packages/good/pyproject.toml").read_text()
    assert (root / "pyproject.toml").read_text() == text + ROOT


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("exclude = 3", "exclude must be a list of strings, not int (3)"),
        ('members = "packages/*"', "members must be a list of strings, not str ('packages/*')"),
    ],
)
def test_uv_workspace_globs_of_the_wrong_shape(tmp_path: Path, setting: str, expected: str) -> None:
    """The root's: one line naming the setting (before, a TypeError's traceback, or a
    string read as globs of one character: "the absolute path '/'"). A workspace's below
    the root: the sound package beside it listed (before, the same traceback lost it)."""
    members = f"[tool.uv.workspace]\n{setting}\n"
    if setting.startswith("exclude"):
        members = ROOT + setting + "\n"
    root = repo(tmp_path / "ws", {"pyproject.toml": members, "packages/good/pyproject.toml": GOOD})
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = f"relnox: error: {root}/pyproject.toml: [tool.uv.workspace] {expected}; fix it there"
    assert proc.stderr.startswith(line) and proc.stderr.count("\n") == 1, proc.stderr
    below = {"sub/pyproject.toml": members, "sub/packages/a/pyproject.toml": project("a")}
    root = repo(
        tmp_path / "ws2", {**below, "packages/good/pyproject.toml": GOOD, "pyproject.toml": ROOT}
    )
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 0 and "good-pkg" in proc.stdout, proc.stderr


def test_a_long_name_and_a_long_version_are_refused_together(tmp_path: Path) -> None:
    """Each fits its own limit, but the wheel's file name would pass 255 bytes."""
    from relnox.bump.plan import plan_bump

    name = "n" * 100
    version = "1." + "0" * 150  # 152 characters: a valid version of its own
    _workspace(tmp_path / "ws", _text(project(name, version)))
    with pytest.raises(VersionError) as info:
        load_workspace(tmp_path / "ws")
    assert "the wheel of" in str(info.value) and "more than the 255" in str(info.value)
    assert str(tmp_path / "ws/packages/bad/pyproject.toml") in str(info.value)
    # and bump --to cannot make one either
    _workspace(tmp_path / "ws2", _text(project(name, "1.0.0")))
    ws = load_workspace(tmp_path / "ws2")
    with pytest.raises(VersionError, match=r"the wheel of n+ 2\.1+\.\.\. .*more than the 255"):
        plan_bump(ws, BumpOptions(to="2." + "1" * 150, packages=[name]))


def test_a_broken_member_does_not_stop_work_on_a_package_asked_for(tmp_path: Path) -> None:
    """All packages: every problem, exit 1. Named sound packages: a warning, and the work."""
    root = tmp_path / "ws"
    _names_alike(root)
    whole = run_relnox("build-all", "--dry-run", cwd=root)
    assert whole.returncode == 1 and "3 problems in the packages of" in whole.stderr
    named = run_relnox("build-all", "--dry-run", "--package", "good", cwd=root)
    assert named.returncode == 0, named.stderr
    assert "left out, not asked for" in named.stderr and "packages/c/pyproject.toml" in named.stderr
    broken = run_relnox("build-all", "--dry-run", "--package", "foo-bar", cwd=root)
    assert broken.returncode == 1 and "Traceback" not in broken.stderr


def test_each_read_of_a_toml_file_is_the_callers_own_document(tmp_path: Path) -> None:
    """A parse is kept for the next read of the same text, and every read gets a document
    of its own: changing one (a table, an array, a nested table in an array) changes
    neither the kept parse nor another read, and the leaves (dates too) are equal."""
    from relnox.versions.sources import load_toml

    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "a"\nkeywords = ["x"]\n'
        '[[tool.x.entry]]\nwhen = 2026-11-24T09:00:00Z\nlist = [[1, 2], {k = "v"}]\n',
        encoding="utf-8",
    )
    first = load_toml(path)
    pristine = load_toml(path)
    first["project"]["keywords"].append("y")
    first["tool"]["x"]["entry"][0]["list"][0].append(3)
    first["tool"]["x"]["entry"][0]["list"][1]["k"] = "changed"
    del first["project"]["name"]
    again = load_toml(path)
    assert again == pristine
    assert again["project"] == {"name": "a", "keywords": ["x"]}
    assert again["tool"]["x"]["entry"][0]["list"] == [[1, 2], {"k": "v"}]
    assert again["tool"]["x"]["entry"][0]["when"].year == 2026
