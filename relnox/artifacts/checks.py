"""Checks of every built artifact, before ``dist/`` and before upload; a clean check leaves a
:func:`proof` in the build manifest, so publish need not check the same bytes again."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import posixpath
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from relnox.artifacts.bounded import TooLarge, read_tar_member, read_zip_member
from relnox.errors import BuildError, one_line, shortlist
from relnox.project.workspace import Package

if TYPE_CHECKING:  # opened only when an artifact is read
    import zipfile

SDIST_SUFFIXES = (".tar.gz", ".zip")


def _unreadable(*more: type[Exception]) -> tuple[type[Exception], ...]:
    """What reading a cut or corrupt archive raises, and ``more``."""
    import tarfile
    import zipfile
    import zlib

    return (OSError, EOFError, zlib.error, zipfile.BadZipFile, tarfile.TarError, *more)


class ArtifactError(BuildError):
    """A built file failed a check."""


@dataclass(frozen=True)
class Expectation:
    name: str  # canonical project name
    version: str
    import_packages: tuple[str, ...] = ()
    readme: str | None = None  # relative to the project directory, posix
    exact_version: bool = True  # False where the version comes from a VCS tag
    #: the backend is told to ship no package (a metapackage): an empty wheel is right
    metadata_only: bool = False

    @classmethod
    def for_package(cls, pkg: Package) -> Expectation:
        readme = None
        if pkg.readme is not None:
            try:
                readme = pkg.readme.resolve().relative_to(pkg.directory.resolve()).as_posix()
            except ValueError:  # a readme outside the project is copied under another name
                readme = None
        return cls(
            name=pkg.name,
            version=pkg.version,
            import_packages=pkg.import_packages,
            readme=readme,
            exact_version=not pkg.vcs_versioned,
            metadata_only=not pkg.import_packages and _metadata_only(pkg.pyproject),
        )

    def as_built(self, files: Sequence[Path]) -> Expectation:
        """A VCS-versioned package's expectation at the one version its ``files`` carry: its
        backend's (a development version where HEAD is past the tag); else itself."""
        found = {nv[1] for f in files if (nv := name_and_version(f.name)) is not None}
        if self.exact_version or len(found) != 1:
            return self
        return replace(self, version=str(found.pop()))


def _metadata_only(pyproject: Path) -> bool:
    from relnox.errors import RelnoxError
    from relnox.project.modules import metadata_only
    from relnox.versions.sources import load_toml

    try:
        return pyproject.is_file() and metadata_only(load_toml(pyproject))
    except RelnoxError:
        return False


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rendered: bool = False  # by readme_renderer, whose answer no proof holds


def artifact_kind(filename: str) -> str | None:
    if filename.endswith(".whl"):
        return "wheel"
    return "sdist" if filename.endswith(SDIST_SUFFIXES) else None


def name_and_version(filename: str) -> tuple[str, Version] | None:
    """(canonical name, version) from an artifact file name, or None if it is not one."""
    try:
        if filename.endswith(".whl"):
            return parse_wheel_filename(filename)[:2]
        return parse_sdist_filename(filename) if filename.endswith(SDIST_SUFFIXES) else None
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None


def versions_in(filenames: Iterable[str]) -> set[Version]:
    """The versions of the artifacts among ``filenames`` (an index page's files)."""
    return {found[1] for name in filenames if (found := name_and_version(name)) is not None}


def _version_matches(found: str, expected: Expectation, what: str, out: Findings) -> None:
    try:
        if Version(found) == Version(expected.version):
            return
    except InvalidVersion:
        out.problems.append(f"{what} {found!r} is not a valid version")
        return
    message = f"{what} is {found}, but {expected.name} is at {expected.version}"
    if expected.exact_version:
        out.problems.append(message + "; a stale build directory or a second version source?")
    else:
        out.warnings.append(message + " (from the VCS; tag the commit to release it)")


def _check_filename(path: Path, kind: str, expected: Expectation, out: Findings) -> None:
    parsed = name_and_version(path.name)
    if parsed is None:
        out.problems.append(f"the file name is not a valid {kind} name (PEP 427 / PEP 625)")
        return
    name, version = parsed
    if name != expected.name:
        out.problems.append(f"the file name is for project {name!r}, not {expected.name!r}")
    _version_matches(str(version), expected, "the version in the file name", out)
    normal = f"{re.sub(r'[-_.]+', '_', expected.name)}-{version}.tar.gz"
    if kind == "sdist" and path.name.endswith(".tar.gz") and path.name != normal:
        out.warnings.append(
            f"the sdist name is not normalized (PEP 625 wants {normal}); upgrade the backend"
        )


def _content_type(value: str) -> tuple[str, dict[str, str]]:
    import email.message  # the email package: only when an artifact's metadata is read

    msg = email.message.EmailMessage()
    msg["content-type"] = value
    return msg.get_content_type(), dict(msg["content-type"].params)


def raw_metadata(path: Path) -> str:
    """The core metadata file of a wheel (``METADATA``) or an sdist (``PKG-INFO``)."""
    if path.name.endswith((".whl", ".zip")):
        import zipfile

        with zipfile.ZipFile(path) as archive:
            ends = (".dist-info/METADATA", "/PKG-INFO")  # a wheel's, else a zip sdist's
            names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith(ends)]
            if not names:
                raise ValueError("no METADATA or PKG-INFO file")
            names.sort(key=lambda n: not n.endswith(ends[0]))
            return read_zip_member(archive, names[0]).decode("utf-8")
    import tarfile

    with tarfile.open(path) as tar:
        member = next(  # the first in the archive's order, read no further than it
            (m for m in tar if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")),
            None,
        )
        found = read_tar_member(tar, member) if member is not None else None
        if found is None:
            raise ValueError("no PKG-INFO file")
        return found.decode("utf-8")


def readme_problem(text: str, content_type: str) -> str | None:
    """Why ``text`` would not render on an index as ``content_type`` (None: it renders)."""
    kind, params = _content_type(content_type)
    if kind in ("text/plain", "text/markdown"):
        return None
    import readme_renderer.rst

    stream = io.StringIO()
    if readme_renderer.rst.render(text, stream=stream, **params) is not None:
        return None
    # docutils' first report as one short line, ``line 29: Unknown directive type "testcode"``
    found = _REPORT.search(stream.getvalue())
    if found is not None:
        return f"line {found['line']}: {found['what'].rstrip('.')}"
    return " ".join(stream.getvalue().split())[:200] or "invalid reStructuredText"


#: docutils' report line: ``<string>:29: (ERROR/3) Unknown directive type "testcode".``
_REPORT = re.compile(r"^<string>:(?P<line>\d+): \((?:\w+)/\d\) (?P<what>.+?)\s*$", re.M)


def _check_metadata(path: Path, expected: Expectation, out: Findings, identity: bool) -> None:
    """``twine check --strict``'s checks, and Name and Version against the package; with
    ``identity``, Name and Version only (what an installer holds the file name to)."""
    from packaging.metadata import ExceptionGroup as MetadataErrors
    from packaging.metadata import InvalidMetadata, Metadata, parse_email

    try:
        raw = raw_metadata(path)
        fields = parse_email(raw)[0] if identity else {}
    except _unreadable(ValueError, UnicodeDecodeError) as exc:
        what = (
            "unreadable metadata ({})"
            if identity
            else "twine check: Invalid distribution metadata: {}"
        )
        out.problems.append(what.format(one_line(exc)))
        return
    if identity:
        name, version = fields.get("name"), fields.get("version")
        if not name or not version:
            out.problems.append("the metadata has no Name or no Version")
            return
    else:
        try:
            meta = Metadata.from_email(raw, validate=True)
        except (MetadataErrors, InvalidMetadata, ValueError) as exc:
            detail = "; ".join(str(c) for c in getattr(exc, "exceptions", [exc]))
            out.problems.append(f"twine check: Invalid distribution metadata: {detail}")
            return
        name, version = meta.name, str(meta.version)
    if canonicalize_name(name) != expected.name:
        out.problems.append(f"the metadata Name is {name!r}, not {expected.name!r}")
    _version_matches(version, expected, "the metadata Version", out)
    if identity:
        return
    description, content_type = meta.description, meta.description_content_type
    # twine check --strict refuses the two below; PyPI accepts them (a page without a
    # description, a description rendered as reStructuredText), so they are warnings
    if not description or description.rstrip() == "UNKNOWN":
        out.warnings.append(
            "no long description (twine check --strict refuses that; PyPI shows the page "
            "without one); set readme in [project] (for example readme = 'README.md')"
        )
        return
    if content_type is None:
        out.warnings.append(
            "no Description-Content-Type (twine check --strict refuses that; PyPI renders "
            "the description as reStructuredText); give the readme a .md or .rst suffix or "
            "set its content-type"
        )
        content_type = "text/x-rst"
    out.rendered = _content_type(content_type)[0] not in ("text/plain", "text/markdown")
    if (problem := readme_problem(description, content_type)) is not None:
        out.problems.append(
            f"twine check: the long description has reStructuredText errors and would not "
            f"render on PyPI ({problem}); fix the readme"
        )


def _wheel_modules(names: Iterable[str]) -> set[str]:
    """Top-level import names a wheel installs (``.data/purelib`` and ``platlib`` too)."""
    found: set[str] = set()
    for name in names:
        parts = name.split("/")
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in ("purelib", "platlib"):
            parts = parts[2:]
        elif parts[0].endswith((".dist-info", ".data")):
            continue
        if len(parts) > 1:
            found.add(parts[0])
        elif parts[0].endswith((".py", ".pyi", ".so", ".pyd", ".pth")):
            found.add(parts[0].split(".")[0])
    return found


def _escapes(name: str) -> bool:
    """An archive member an extractor would write outside its directory."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts


def _dist_info(
    archive: zipfile.ZipFile, names: list[str], file: str
) -> tuple[list[str], str | None]:
    """The ``<dist-info>/{file}`` members of a wheel, and the text of the one if one."""
    found = [n for n in names if n.count("/") == 1 and n.endswith(f".dist-info/{file}")]
    text = (
        read_zip_member(archive, found[0]).decode("utf-8", "replace") if len(found) == 1 else None
    )
    return found, text


def _check_record(
    names: list[str], records: list[str], record: str | None, wrong: list[str], out: Findings
) -> None:
    """PEP 427: the wheel's one RECORD lists every file (but itself and its signatures)."""
    if record is None:
        out.problems.append(
            f"has {len(records)} .dist-info/RECORD files, not one (PEP 427); "
            "rebuild it with relnox build-all"
        )
        return
    import csv

    listed = {row[0] for row in csv.reader(record.splitlines()) if row}
    ignored = {records[0], records[0] + ".jws", records[0] + ".p7s"}
    missing = [n for n in names if not n.endswith("/") and n not in listed and n not in ignored]
    if missing:
        out.problems.append(
            f"{len(missing)} file(s) are not listed in {records[0]} "
            f"({', '.join(repr(n) for n in missing[:3])}); PEP 427 wants every file there: "
            "rebuild it with relnox build-all"
        )
    if wrong:
        out.problems.append(
            f"{len(wrong)} file(s) do not match their hash in {records[0]} "
            f"({shortlist(wrong)}): changed after the build; rebuild it with relnox build-all"
        )


def _record_mismatches(archive: zipfile.ZipFile, record: str, own: str) -> list[str]:
    """The files RECORD gives a hash that their bytes do not have, or that the wheel lacks."""
    import base64
    import csv

    wrong = []
    present = set(archive.namelist())
    for row in csv.reader(record.splitlines()):
        if len(row) < 2 or not row[1] or row[0] == own:
            continue
        name, (algorithm, _, expected) = row[0], row[1].partition("=")
        if name not in present:
            wrong.append(f"{name!r} (listed, not in the wheel)")
            continue
        if algorithm not in hashlib.algorithms_guaranteed or algorithm in ("md5", "sha1"):
            wrong.append(f"{name!r} (hash {algorithm!r}, which PEP 427 refuses)")
            continue
        digest = hashlib.new(algorithm)
        with archive.open(name) as member:
            for piece in iter(lambda: member.read(1 << 20), b""):
                digest.update(piece)
        if base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode() != expected:
            wrong.append(repr(name))
    return wrong


def _expanded(tag: str) -> set[str]:
    """The tags a compressed tag set stands for (``py2.py3-none-any``: two)."""
    from packaging.tags import parse_tag

    try:
        return {str(one) for one in parse_tag(tag)}
    except ValueError:
        return {tag}


def _check_tags(filename: str, said: str | None, out: Findings) -> None:
    """PEP 427: the wheel's one WHEEL file has the ``Tag:`` lines its file name spells."""
    if said is None:
        out.problems.append(
            "it has not exactly one .dist-info/WHEEL file, which PEP 427 requires and "
            "installers read; rebuild it with relnox build-all"
        )
        return
    import email.parser

    tags = email.parser.Parser().parsestr(said).get_all("Tag") or []
    inside = {one for tag in tags if tag.strip() for one in _expanded(tag.strip().lower())}
    try:
        named = {str(tag) for tag in parse_wheel_filename(filename)[3]}
    except InvalidWheelFilename:
        return  # the file name's own problem
    if inside and inside != named:
        out.problems.append(
            f"its name says the tags {', '.join(sorted(named))} but its WHEEL file says "
            f"{', '.join(sorted(inside))} (renamed after its build?); installers would take "
            "it where its code was not built for: rebuild it with relnox build-all, or give "
            "it the name its WHEEL file says"
        )


def _check_wheel(path: Path, expected: Expectation, out: Findings, identity: bool = False) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:  # the names and the RECORD in one opening
            names = archive.namelist()
            records, record = _dist_info(archive, names, "RECORD")
            wrong = _record_mismatches(archive, record, records[0]) if record else []
            said = _dist_info(archive, names, "WHEEL")[1]
    except _unreadable(TooLarge) as exc:
        out.problems.append(f"not a readable wheel ({one_line(exc) or type(exc).__name__})")
        return
    _check_tags(path.name, said, out)
    unsafe = [name for name in names if _escapes(name)]
    if unsafe:
        out.problems.append(
            f"holds {len(unsafe)} file(s) whose path leads outside the install directory "
            f"({', '.join(repr(n) for n in unsafe[:3])}); an installer would write them "
            "elsewhere: rebuild it with relnox build-all"
        )
    _check_record(names, records, record, wrong, out)
    if identity:
        return
    modules = _wheel_modules(names)
    # binary-only (verify-install runs the binary), or a metapackage
    scripts = any(re.fullmatch(r"[^/]*\.data/scripts/[^/]+", n) for n in names)
    if not modules and (scripts or expected.metadata_only):
        return
    if not modules:
        out.problems.append(
            "the wheel is empty: it holds only its .dist-info metadata, no Python package; "
            "the backend found nothing to ship (is the package directory named like the "
            "project, or is the wheel target's packages setting right?)"
        )
        return
    out.problems += [
        f"the wheel lacks the import package {module!r} (it holds "
        f"{', '.join(sorted(modules))}); check the wheel target's packages setting"
        for module in expected.import_packages
        if module not in modules
    ]


def _archive_names(path: Path) -> tuple[list[str], list[str]]:
    """The member names, and the links among them that leave the top directory."""
    import tarfile
    import zipfile

    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            return archive.namelist(), []
    with tarfile.open(path) as archive:
        members = archive.getmembers()
    links = []
    for member in members:
        if member.issym() or member.islnk():
            # a symlink's target is relative to its directory, a hard link's to the root
            base = posixpath.dirname(member.name) if member.issym() else ""
            target = posixpath.normpath(posixpath.join(base, member.linkname))
            top = member.name.split("/")[0]
            absolute = member.linkname.startswith(("/", "\\")) or member.linkname[1:2] == ":"
            if absolute or not target.startswith(top + "/"):
                links.append(f"{member.name} -> {member.linkname}")
    return [m.name for m in members], links


def _check_sdist(path: Path, expected: Expectation, out: Findings, identity: bool = False) -> None:
    try:
        names, links = _archive_names(path)
    except _unreadable() as exc:
        out.problems.append(f"not a readable archive ({one_line(exc) or type(exc).__name__})")
        return
    unsafe = [repr(name) for name in names if _escapes(name)] + [repr(link) for link in links]
    if unsafe:
        out.problems.append(
            f"holds {len(unsafe)} file(s) or link(s) that lead outside its directory "
            f"({shortlist(unsafe)}); unpacking it would write or read elsewhere: "
            "rebuild it with relnox build-all"
        )
        return
    tops = {name.split("/")[0] for name in names}
    if len(tops) != 1:
        out.problems.append(f"an sdist must hold one top directory, not {sorted(tops)}")
        return
    if identity:
        return
    top = tops.pop()
    present = {name[len(top) + 1 :].rstrip("/") for name in names}
    wanted = ["PKG-INFO"] if "setup.py" in present else ["pyproject.toml", "PKG-INFO"]
    out.problems += [
        f"the sdist lacks {rel}; include it in the sdist target "
        "(hatch: [tool.hatch.build.targets.sdist], setuptools: MANIFEST.in)"
        for rel in [*wanted, *([expected.readme] if expected.readme else [])]
        if rel not in present
    ]


def check_artifact(path: Path, expected: Expectation, *, identity: bool = False) -> Findings:
    """Every check of one file; with ``identity``, only that it is what its name says."""
    out = Findings()
    kind = artifact_kind(path.name)
    if kind is None:
        out.problems.append("not a wheel or an sdist")
        return out
    _check_filename(path, kind, expected, out)
    (_check_wheel if kind == "wheel" else _check_sdist)(path, expected, out, identity)
    if not any("not a readable" in p for p in out.problems):
        _check_metadata(path, expected, out, identity)
    return out


def check_for_record(
    paths: Sequence[Path], expected: Expectation, *, identity: bool = False
) -> tuple[list[str], bool]:
    """The warnings of checking ``paths`` (:class:`ArtifactError` for any problem), and whether
    the outcome may be a :func:`proof`: no warnings, no readme rendered by readme_renderer."""
    problems: list[str] = []
    warnings: list[str] = []
    rendered = False
    for path in paths:
        found = check_artifact(path, expected, identity=identity)
        problems += [f"{path.name}: {p}" for p in found.problems]
        warnings += [f"{path.name}: {w}" for w in found.warnings]
        rendered = rendered or found.rendered
    if problems:
        what = "the built files"
        if identity:
            what = "the files the build manifest vouches for (rebuild them with relnox build-all)"
        raise ArtifactError(
            f"{expected.name} {expected.version}: {len(problems)} problem(s) in {what}:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return warnings, not warnings and not rendered and bool(paths)


def proof(expected: Expectation, files: Iterable[tuple[str, str]]) -> str:
    """One digest of a clean check of ``files`` (name, sha256) against ``expected`` and of the
    checker; ``""`` when this module's code cannot be read."""
    checker = _checker()
    if not checker:
        return ""
    facts = {"checker": checker, "expected": asdict(expected), "files": sorted(files)}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


@functools.cache
def _checker() -> str:
    """What the checks' outcome depends on besides the files and the expectation."""
    import packaging

    try:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        return ""
    return f"{code} packaging {packaging.__version__} python {sys.version}"
