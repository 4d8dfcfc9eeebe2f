"""Artifact checks on small real wheel and sdist files (written here, checked by twine's code)."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from relnox.artifacts.checks import (
    ArtifactError,
    Expectation,
    check_artifact,
    check_for_record,
    name_and_version,
    proof,
)
from relnox.files import file_digest
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, write_project

EXPECTED = Expectation("demo-pkg", "1.0", import_packages=("demo_pkg",), readme="README.md")


def _metadata(
    name: str = "demo-pkg",
    version: str = "1.0",
    content_type: str | None = "text/markdown",
    description: str = "# Demo\n\nA demo.\n",
) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", "Summary: A demo."]
    if content_type:
        lines.append(f"Description-Content-Type: {content_type}")
    return "\n".join(lines) + "\n\n" + description


def make_wheel(
    directory: Path,
    files: dict[str, str] | None = None,
    *,
    filename: str = "demo_pkg-1.0-py3-none-any.whl",
    metadata: str | None = None,
    record_lists_all: bool = True,
    wheel_file: str = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
) -> Path:
    path = directory / filename
    distinfo = "demo_pkg-1.0.dist-info"
    contents = {"demo_pkg/__init__.py": ""} if files is None else files
    files = {
        **contents,
        f"{distinfo}/METADATA": metadata or _metadata(),
        f"{distinfo}/WHEEL": wheel_file,
    }
    record = "".join(f"{name},,\n" for name in files) + f"{distinfo}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr(f"{distinfo}/RECORD", record if record_lists_all else "")
    return path


def make_sdist(
    directory: Path,
    members: tuple[str, ...] = ("pyproject.toml", "README.md", "demo_pkg/__init__.py"),
    *,
    filename: str = "demo_pkg-1.0.tar.gz",
    metadata: str | None = None,
) -> Path:
    path = directory / filename
    top = filename.removesuffix(".tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for name, text in [("PKG-INFO", metadata or _metadata()), *((m, "") for m in members)]:
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_good_wheel_and_sdist_pass(tmp_path: Path) -> None:
    for path in (make_wheel(tmp_path), make_sdist(tmp_path)):
        found = check_artifact(path, EXPECTED)
        assert (found.problems, found.warnings) == ([], [])
    assert check_for_record([tmp_path / "demo_pkg-1.0.tar.gz"], EXPECTED)[0] == []


def test_a_cut_or_corrupt_archive_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    """An sdist cut short (a gzip stream that ends early: EOFError) and a wheel whose
    METADATA does not inflate (zlib.error) ended verify-install and publish in a
    traceback; each is the file's problem now, in one line."""
    sdist = make_sdist(tmp_path)
    sdist.write_bytes(sdist.read_bytes()[: sdist.stat().st_size * 2 // 3])
    found = check_artifact(sdist, EXPECTED)
    assert found.problems and found.problems[0].startswith("not a readable archive ("), found
    wheel = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("demo_pkg/__init__.py", "")
        archive.writestr("demo_pkg-1.0.dist-info/METADATA", _metadata() * 20)
        archive.writestr("demo_pkg-1.0.dist-info/RECORD", "")
    data = bytearray(wheel.read_bytes())
    with zipfile.ZipFile(wheel) as archive:
        info = archive.getinfo("demo_pkg-1.0.dist-info/METADATA")
    start = info.header_offset + 30 + len(info.filename)  # the member's deflated bytes
    data[start : start + 40] = b"\xff" * 40
    wheel.write_bytes(bytes(data))
    for identity in (False, True):
        found = check_artifact(wheel, EXPECTED, identity=identity)
        assert any("Error -3 while decompressing" in p for p in found.problems), found
        assert all("\n" not in p for p in found.problems)


def test_a_file_that_does_not_match_its_record_hash_is_an_error(tmp_path: Path) -> None:
    """A wheel edited after its build (a module changed, RECORD left as it was) passed
    every check and installed: uv and pip do not compare RECORD's hashes."""
    import base64
    import hashlib

    def row(name: str, data: bytes) -> str:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        return f"{name},sha256={digest},{len(data)}\n"

    files = {"demo_pkg/__init__.py": b"X = 1\n", "demo_pkg-1.0.dist-info/METADATA": b""}
    files["demo_pkg-1.0.dist-info/METADATA"] = _metadata().encode()
    files["demo_pkg-1.0.dist-info/WHEEL"] = b"Wheel-Version: 1.0\nTag: py3-none-any\n"
    record = "".join(row(n, d) for n, d in files.items()) + "demo_pkg-1.0.dist-info/RECORD,,\n"
    wheel = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    for changed, listed_only in ((False, False), (True, False), (False, True)):
        with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, b"import os\n" if changed and name.endswith(".py") else data)
            extra = "demo_pkg/gone.py,sha256=abc,3\n" if listed_only else ""
            archive.writestr("demo_pkg-1.0.dist-info/RECORD", record + extra)
        problems = check_artifact(wheel, EXPECTED, identity=True).problems
        if not changed and not listed_only:
            assert problems == []
        else:
            wanted = "'demo_pkg/__init__.py'" if changed else "'demo_pkg/gone.py' (listed, not"
            assert len(problems) == 1 and "do not match their hash in" in problems[0], problems
            assert wanted in problems[0]


def test_an_empty_wheel_is_an_error(tmp_path: Path) -> None:
    found = check_artifact(make_wheel(tmp_path, files={}), EXPECTED)
    assert len(found.problems) == 1 and found.problems[0].startswith("the wheel is empty")


def test_a_metapackage_told_to_ship_nothing_may_have_an_empty_wheel(tmp_path: Path) -> None:
    """The shape: a hatchling project whose wheel target says ``bypass-selection =
    true`` and which only depends on its sibling packages: its empty wheel is what it asked
    for; without that setting an empty wheel stays an error."""
    wheel = make_wheel(tmp_path, files={})
    pyproject = (
        '[project]\nname = "demo-pkg"\nversion = "1.0"\ndependencies = ["demo-lib==1.0"]\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        "[tool.hatch.build.targets.wheel]\nbypass-selection = true\n"
    )
    files = {"pyproject.toml": pyproject, "README.md": "# Demo\n"}
    root = tmp_path / "meta"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    (pkg,) = load_workspace(root).packages
    expected = Expectation.for_package(pkg)
    assert expected.metadata_only and check_artifact(wheel, expected).problems == []
    (root / "pyproject.toml").write_text(pyproject.replace("bypass-selection = true\n", ""))
    (pkg,) = load_workspace(root).packages
    (problem,) = check_artifact(wheel, Expectation.for_package(pkg)).problems
    assert problem.startswith("the wheel is empty")


def test_a_wheel_without_the_import_package(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, files={"other/__init__.py": ""})
    (problem,) = check_artifact(wheel, EXPECTED).problems
    assert "lacks the import package 'demo_pkg' (it holds other)" in problem


def test_modules_in_data_purelib_and_single_files_count(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, files={"demo_pkg-1.0.data/purelib/demo_pkg/x.py": ""})
    assert check_artifact(wheel, EXPECTED).problems == []
    single = Expectation("demo-pkg", "1.0", import_packages=("demo_pkg",))
    module = make_wheel(tmp_path, files={"demo_pkg.py": ""})
    assert check_artifact(module, single).problems == []


def test_version_and_name_must_match(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, filename="demo_pkg-1.1-py3-none-any.whl", metadata=_metadata("other", "1.1")
    )
    problems = check_artifact(wheel, EXPECTED).problems
    assert any("file name is 1.1, but demo-pkg is at 1.0" in p for p in problems)
    assert any("metadata Version is 1.1" in p for p in problems)
    assert any("metadata Name is 'other', not 'demo-pkg'" in p for p in problems)


def test_versions_compare_normalized(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, metadata=_metadata(version="1.0.0"))
    assert check_artifact(wheel, Expectation("demo-pkg", "1.0", ("demo_pkg",))).problems == []


def test_a_vcs_version_mismatch_is_a_warning(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path)
    vcs = Expectation("demo-pkg", "0.9", ("demo_pkg",), exact_version=False)
    found = check_artifact(wheel, vcs)
    assert found.problems == [] and any("from the VCS" in w for w in found.warnings)


def test_sdist_needs_pyproject_pkg_info_and_readme(tmp_path: Path) -> None:
    sdist = make_sdist(tmp_path, members=("demo_pkg/__init__.py",))
    problems = check_artifact(sdist, EXPECTED).problems
    assert any("lacks pyproject.toml" in p for p in problems)
    assert any("lacks README.md" in p for p in problems)


def test_unnormalized_sdist_name_is_a_warning(tmp_path: Path) -> None:
    sdist = make_sdist(tmp_path, filename="demo-pkg-1.0.tar.gz")
    found = check_artifact(sdist, EXPECTED)
    assert found.problems == []
    assert found.warnings == [
        "the sdist name is not normalized (PEP 625 wants demo_pkg-1.0.tar.gz); upgrade the backend"
    ]


def test_what_only_twine_strict_refuses_is_a_warning(tmp_path: Path) -> None:
    """No Description-Content-Type (a setup.py's shape: PyPI renders the
    description as reStructuredText) and no long description are accepted by PyPI: warnings
    naming the fix, never a failed build; a description that does not render as
    reStructuredText stays a problem."""
    no_type = make_wheel(tmp_path, metadata=_metadata(content_type=None, description="Plain.\n"))
    found = check_artifact(no_type, EXPECTED)
    assert found.problems == []
    assert any("no Description-Content-Type" in w for w in found.warnings), found.warnings
    (tmp_path / "b").mkdir()
    empty = make_wheel(tmp_path / "b", metadata=_metadata(description=""))
    found = check_artifact(empty, EXPECTED)
    assert found.problems == [] and any("no long description" in w for w in found.warnings)
    (tmp_path / "c").mkdir()
    broken = _metadata(content_type=None, description="Title\n=====\n\n.. bogus-directive::\n")
    found = check_artifact(make_wheel(tmp_path / "c", metadata=broken), EXPECTED)
    assert any("would not render on PyPI" in p for p in found.problems), found.problems


def test_broken_restructuredtext_would_not_render(tmp_path: Path) -> None:
    rst = _metadata(content_type="text/x-rst", description="Title\n=====\n\n.. bogus-directive::\n")
    problems = check_artifact(make_wheel(tmp_path, metadata=rst), EXPECTED).problems
    assert len(problems) == 1 and "reStructuredText errors" in problems[0]


def test_a_clean_check_leaves_a_proof_bound_to_the_bytes_the_expectation_and_the_checker(
    tmp_path: Path,
) -> None:
    files = [make_wheel(tmp_path), make_sdist(tmp_path)]
    assert check_for_record(files, EXPECTED) == ([], True)
    shas = [(f.name, file_digest(f)) for f in files]
    record = proof(EXPECTED, shas)
    assert len(record) == 64 and record == proof(EXPECTED, list(reversed(shas)))
    other_bytes = [(shas[0][0], "0" * 64), shas[1]]
    assert proof(EXPECTED, other_bytes) != record
    assert proof(EXPECTED, shas[:1]) != record  # a file left out
    for changed in (
        Expectation("demo-pkg", "1.0.0", ("demo_pkg",), "README.md"),
        Expectation("demo-pkg", "1.0", ("demo_pkg", "extra"), "README.md"),
        Expectation("demo-pkg", "1.0", ("demo_pkg",), "README.rst"),
        Expectation("demo-pkg", "1.0", ("demo_pkg",), "README.md", exact_version=False),
    ):
        assert proof(changed, shas) != record, changed


def test_a_proof_names_the_checker(tmp_path: Path) -> None:
    """Another checks module (an upgraded relnox), packaging or Python proves nothing."""
    code = (
        "import sys; from relnox.artifacts import checks; checks._checker.cache_clear();"
        "import packaging; packaging.__version__ = sys.argv[1];"
        "print(checks.proof(checks.Expectation('demo-pkg', '1.0'), [('f.whl', '00')]))"
    )

    def proof_with(version: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", code, version], capture_output=True, text=True, check=True
        )
        return proc.stdout.strip()

    import packaging

    ours = proof_with(packaging.__version__)
    assert ours == proof(Expectation("demo-pkg", "1.0"), [("f.whl", "00")])
    assert proof_with("0.0.1") != ours


def test_warnings_or_a_rendered_readme_leave_no_proof(tmp_path: Path) -> None:
    vcs = Expectation("demo-pkg", "0.9", ("demo_pkg",), exact_version=False)
    warned = check_for_record([make_wheel(tmp_path)], vcs)
    assert warned[0] and warned[1] is False  # said again when checked again
    (tmp_path / "rst").mkdir()
    rst = _metadata(content_type="text/x-rst", description="Title\n=====\n\nFine.\n")
    rendered = make_wheel(tmp_path / "rst", metadata=rst)
    assert check_artifact(rendered, EXPECTED).rendered
    assert check_for_record([rendered], EXPECTED) == ([], False)  # docutils' answer, unrecorded
    assert check_for_record([], EXPECTED) == ([], False)


def test_invalid_metadata_is_reported_by_twine(tmp_path: Path) -> None:
    bad = make_wheel(tmp_path, metadata="Metadata-Version: 2.1\nName: demo-pkg\n\n")
    problems = check_artifact(bad, EXPECTED).problems
    assert any(p.startswith("twine check: Invalid distribution metadata") for p in problems)


def test_check_artifacts_names_every_bad_file(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, files={})
    sdist = make_sdist(tmp_path, members=("pyproject.toml",))
    with pytest.raises(ArtifactError) as info:
        check_for_record([wheel, sdist], EXPECTED)
    message = str(info.value)
    assert message.startswith("demo-pkg 1.0: 2 problem(s) in the built files:")
    assert "demo_pkg-1.0-py3-none-any.whl: the wheel is empty" in message
    assert "demo_pkg-1.0.tar.gz: the sdist lacks README.md" in message


def test_files_that_are_no_archive_get_one_line_each(tmp_path: Path) -> None:
    # tarfile's error lists one line per compression it tried: each problem stays one line
    wheel = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    sdist = tmp_path / "demo_pkg-1.0.tar.gz"
    wheel.write_text("junk\n")
    sdist.write_text("junk\n")
    with pytest.raises(ArtifactError) as info:
        check_for_record([wheel, sdist], EXPECTED)
    lines = str(info.value).splitlines()
    assert lines[0] == "demo-pkg 1.0: 2 problem(s) in the built files:"
    assert len(lines) == 3, lines
    assert any("demo_pkg-1.0.tar.gz: not a readable archive (" in line for line in lines)
    assert any("demo_pkg-1.0-py3-none-any.whl:" in line for line in lines)


def test_a_wheel_whose_paths_leave_the_install_directory(tmp_path: Path) -> None:
    files = {"demo_pkg/__init__.py": "", "../../evil.py": "", "/etc/evil": "", "C:/evil": ""}
    problems = check_artifact(make_wheel(tmp_path, files), EXPECTED).problems
    assert problems == [
        "holds 3 file(s) whose path leads outside the install directory ('../../evil.py', "
        "'/etc/evil', 'C:/evil'); an installer would write them elsewhere: rebuild it with "
        "relnox build-all"
    ]


def test_a_wheel_must_list_every_file_in_its_record(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, record_lists_all=False)
    assert check_artifact(wheel, EXPECTED).problems == [
        "3 file(s) are not listed in demo_pkg-1.0.dist-info/RECORD ('demo_pkg/__init__.py', "
        "'demo_pkg-1.0.dist-info/METADATA', 'demo_pkg-1.0.dist-info/WHEEL'); PEP 427 wants "
        "every file there: rebuild it with relnox build-all"
    ]
    without = tmp_path / "none"
    without.mkdir()
    bare = without / "demo_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(make_wheel(tmp_path)) as src, zipfile.ZipFile(bare, "w") as out:
        for name in src.namelist():
            if not name.endswith("RECORD"):
                out.writestr(name, src.read(name))
    assert check_artifact(bare, EXPECTED).problems == [
        "has 0 .dist-info/RECORD files, not one (PEP 427); rebuild it with relnox build-all"
    ]


def _sdist_with(path: Path, members: list[tarfile.TarInfo]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, text in [("PKG-INFO", _metadata()), ("pyproject.toml", ""), ("README.md", "")]:
            data = text.encode()
            info = tarfile.TarInfo(f"demo_pkg-1.0/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in members:
            archive.addfile(info, io.BytesIO(b"") if info.isfile() else None)
    return path


def _link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


@pytest.mark.parametrize(
    ("member", "shown"),
    [
        (tarfile.TarInfo("demo_pkg-1.0/../../evil"), "'demo_pkg-1.0/../../evil'"),
        (_link("demo_pkg-1.0/passwd", "/etc/passwd"), "'demo_pkg-1.0/passwd -> /etc/passwd'"),
        (_link("demo_pkg-1.0/a/up", "../../.."), "'demo_pkg-1.0/a/up -> ../../..'"),
        (_link("demo_pkg-1.0/h", "etc/x", tarfile.LNKTYPE), "'demo_pkg-1.0/h -> etc/x'"),
    ],
)
def test_an_sdist_whose_paths_or_links_leave_its_directory(
    tmp_path: Path, member: tarfile.TarInfo, shown: str
) -> None:
    sdist = _sdist_with(tmp_path / "demo_pkg-1.0.tar.gz", [member])
    problems = check_artifact(sdist, EXPECTED).problems
    assert problems[0] == (
        f"holds 1 file(s) or link(s) that lead outside its directory ({shown}); unpacking it "
        "would write or read elsewhere: rebuild it with relnox build-all"
    )


def test_links_inside_an_sdist_are_fine(tmp_path: Path) -> None:
    members = [
        tarfile.TarInfo("demo_pkg-1.0/demo_pkg/__init__.py"),
        _link("demo_pkg-1.0/docs/README.md", "../README.md"),
        _link("demo_pkg-1.0/copy.md", "demo_pkg-1.0/README.md", tarfile.LNKTYPE),
    ]
    sdist = _sdist_with(tmp_path / "demo_pkg-1.0.tar.gz", members)
    assert check_artifact(sdist, EXPECTED).problems == []


def test_names_and_versions_of_files() -> None:
    assert name_and_version("demo_pkg-1.0-py3-none-any.whl") == ("demo-pkg", Version("1.0"))
    assert name_and_version("Demo.Pkg-1.0.0.tar.gz") == ("demo-pkg", Version("1.0"))
    assert name_and_version("notes.txt") is None
    assert name_and_version("broken.whl") is None


def test_expectation_of_a_workspace_package(tmp_path: Path) -> None:
    write_project(tmp_path, ProjectSpec("my-lib", "2.0.1", "hatchling"))
    (pkg,) = load_workspace(tmp_path).packages
    assert Expectation.for_package(pkg) == Expectation(
        "my-lib", "2.0.1", ("my_lib",), "README.md", exact_version=True
    )


def test_a_metadata_file_above_the_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wheel of 1 MB can hold a METADATA of gigabytes (one byte repeated): relnox reads no
    member whose stated size is above the limit (64 MiB; 4 KiB here), in the checks and in
    verify's reading of a wheel, and says so on one line."""
    import relnox.artifacts.bounded as bounded
    from relnox.errors import VerifyError
    from relnox.verify.smoke import wheel_facts

    monkeypatch.setattr(bounded, "MEMBER_LIMIT", 4096)
    huge = _metadata(description="x" * 5000)
    wheel = make_wheel(tmp_path, metadata=huge)
    sdist = make_sdist(tmp_path, metadata=huge)
    read: list[str] = []
    real_read = zipfile.ZipFile.read

    def spy(self: zipfile.ZipFile, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        read.append(name if isinstance(name, str) else name.filename)
        return real_read(self, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", spy)
    with pytest.raises(ArtifactError) as info:
        check_for_record([wheel, sdist], EXPECTED)
    stated = len(huge.encode())
    lines = str(info.value).splitlines()
    assert len(lines) == 3, lines
    for member, file in (("dist-info/METADATA", wheel), ("1.0/PKG-INFO", sdist)):
        assert any(
            line.startswith(f"  - {file.name}: ")
            and f"{member} is {stated:,} bytes uncompressed, more than relnox reads of a metadata file (4,096 bytes)"
            in line
            for line in lines
        ), lines
    with pytest.raises(VerifyError, match=r"METADATA is .* bytes uncompressed"):
        wheel_facts(wheel)
    assert not any(name.endswith("METADATA") for name in read)
    monkeypatch.setattr(bounded, "MEMBER_LIMIT", 64 * 1024 * 1024)
    assert check_artifact(wheel, EXPECTED).problems == []


def test_a_readme_that_does_not_render_is_named_by_its_first_report_in_one_short_line() -> None:
    """The shape: ``.. testcode::`` (a Sphinx directive) in README.rst. The problem is
    docutils' first report with its line number, not the code block docutils quotes after
    it (the message held the whole sample, flattened)."""
    from relnox.artifacts.checks import readme_problem

    text = "Title\n=====\n\n.. testcode::\n\n    import random\n    print(random.random())\n"
    problem = readme_problem(text * 2, "text/x-rst")
    assert problem == 'line 4: Unknown directive type "testcode"'


@pytest.mark.parametrize("identity", [False, True])
def test_a_wheel_renamed_to_other_tags_than_its_wheel_file_says_is_refused(
    tmp_path: Path, identity: bool
) -> None:
    """A pure wheel copied under a platform's name (or a platform wheel named as pure)
    passed every check, was taken as a file another tool built, and was uploaded: an
    installer on that platform takes it, and its code was never built for it."""
    renamed = make_wheel(tmp_path, filename="demo_pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl")
    (problem,) = check_artifact(renamed, EXPECTED, identity=identity).problems
    assert problem.startswith(
        "its name says the tags cp311-cp311-manylinux_2_17_x86_64 but its WHEEL file says "
        "py3-none-any"
    )
    # compressed tag sets are the tags they expand to, as the WHEEL file lists them
    both = "Wheel-Version: 1.0\nTag: py2-none-any\nTag: py3-none-any\n"
    fine = make_wheel(tmp_path, filename="demo_pkg-1.0-py2.py3-none-any.whl", wheel_file=both)
    assert check_artifact(fine, EXPECTED, identity=identity).problems == []
    # no WHEEL file at all: no installer takes it
    (tmp_path / "bare").mkdir()
    bare = make_wheel(tmp_path / "bare")
    with zipfile.ZipFile(bare) as archive:
        kept = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/WHEEL")}
    with zipfile.ZipFile(bare, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    problems = check_artifact(bare, EXPECTED, identity=identity).problems
    assert any("not exactly one .dist-info/WHEEL file" in p for p in problems), problems
