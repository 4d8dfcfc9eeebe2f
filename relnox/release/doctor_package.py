"""``doctor``'s checks of one package: its metadata (as PyPI will show it), its release
tags, its pins on siblings and its changelog. Each gives rows of :class:`Check`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from relnox.artifacts.checks import readme_problem as render_problem
from relnox.errors import VersionError
from relnox.files import read_bytes
from relnox.paths import rel
from relnox.project.changelog import (
    ALONE,
    BARE,
    BOLD,
    DATED,
    DIRECTIVE,
    UNRELEASED,
    headings,
    pending_newest,
    read_section,
    sections,
    undated,
    unreleased_aside,
)
from relnox.project.changelog_file import changelog_choice, changelog_kept, release_pages
from relnox.project.licenses import stated_license
from relnox.project.modules import flit_metadata
from relnox.project.news import News, changie, scriv, towncrier
from relnox.project.workspace import Package, Workspace
from relnox.toml import table
from relnox.versions.arithmetic import bump_version, maybe_version
from relnox.versions.next import next_version
from relnox.versions.setup_py import setup_py_keywords, uses_pbr
from relnox.versions.sources import load_toml, not_a_file, read_text, setup_cfg

OK, WARN, ERROR = "ok", "warn", "error"


@dataclass(frozen=True)
class Check:
    check: str
    status: str
    detail: str
    bump_fixes: bool = False  # an error the bump of a release repairs (a stale version copy)

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "detail": self.detail}


#: a check's (status, detail), named by whoever runs it
Row = tuple[str, str]


def _pyproject(pkg: Package) -> dict[str, Any]:
    return load_toml(pkg.pyproject) if pkg.pyproject.is_file() else {}


def missing_metadata(doc: Mapping[str, Any]) -> list[str]:
    project = table(doc, "project")
    poetry = table(doc, "tool", "poetry")
    dynamic = set(project.get("dynamic", ()))
    flit = flit_metadata(doc)
    if flit and not project:  # flit's own table: the module names it, its __version__ versions
        poetry = {
            "name": flit["module"],
            "version": "__version__",
            "description": "the module's docstring",  # flit's summary when none is written
            "readme": flit.get("description-file"),
            "license": flit.get("license"),
            "classifiers": flit.get("classifiers", ()),
            "requires-python": flit.get("requires-python"),
        }

    def has(key: str) -> bool:
        return bool(project.get(key)) or key in dynamic or bool(poetry.get(key))

    missing = [k for k in ("name", "version", "description", "readme") if not has(k)]
    classifiers = [*project.get("classifiers", ()), *poetry.get("classifiers", ())]
    licensed = has("license") or bool(project.get("license-files"))
    if not licensed and not any(str(c).startswith("License ::") for c in classifiers):
        missing.append("license")
    if not has("requires-python") and not table(poetry, "dependencies").get("python"):
        missing.append("requires-python")
    return missing


def readme_problem(path: Path | None, content_type: str | None = None) -> str | None:
    """Why the readme would not render on an index, read as ``content_type``, else its suffix."""
    if path is None:
        return "no readme file"
    if not path.is_file():
        return f"{path.name} does not exist"
    try:
        text = read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return f"{path.name} is not UTF-8 text"
    except OSError as exc:
        return f"{path.name} cannot be read ({exc.strerror or exc})"
    if not text.strip():
        return f"{path.name} is empty"
    declared = (content_type or "").split(";")[0].strip().lower()
    suffix = ".rst" if declared == "text/x-rst" else path.suffix.lower()
    if declared in ("text/plain", "text/markdown") or suffix in (".md", ".markdown", ".txt", ""):
        return None  # markdown and plain text always render (as twine check treats them)
    if suffix == ".rst":
        problem = render_problem(text, "text/x-rst")
        return None if problem is None else f"{path.name} does not render: {problem}"
    return f"{path.name}: unknown readme type {suffix!r}; use .md, .rst or .txt"


def missing_setup_cfg(sections: Mapping[str, Mapping[str, str]], *, pbr: bool = False) -> list[str]:
    """The required core metadata fields a ``setup.cfg`` lacks, as setuptools (or pbr) reads it."""
    metadata = {key.replace("-", "_"): value for key, value in sections.get("metadata", {}).items()}
    aliases = [("summary", "description"), ("classifier", "classifiers")]
    for theirs, ours in aliases + ([("description_file", "long_description")] if pbr else []):
        metadata.setdefault(ours, metadata.get(theirs, ""))
    missing = [f for f in ("name", "version", "description") if not metadata.get(f, "").strip()]
    missing += [] if metadata.get("long_description", "").strip() else ["readme"]
    licensed = metadata.get("license") or metadata.get("license_files")
    if not (licensed or "License ::" in metadata.get("classifiers", "")):
        missing.append("license")
    if not sections.get("options", {}).get("python_requires"):
        missing.append("requires-python")
    return missing


#: the setup() keywords that give each field missing_setup_cfg looks for
_SETUP_KEYWORDS = {
    "name": {"name"},
    "version": {"version"},
    "description": {"description"},
    "readme": {"long_description"},
    "license": {"license", "license_files", "license_expression", "classifiers"},
    "requires-python": {"python_requires"},
}


def _declared(pkg: Package) -> tuple[list[str] | None, Path, str]:
    """The missing fields (``None``: setup.py's code declares them), the file and the table."""
    doc = _pyproject(pkg)
    if table(doc, "project") or table(doc, "tool", "poetry"):  # poetry's own table, alone
        where = "[project]" if table(doc, "project") else "[tool.poetry]"
        return missing_metadata(doc), pkg.pyproject, where
    if flit_metadata(doc):
        return missing_metadata(doc), pkg.pyproject, "[tool.flit.metadata]"
    sections, setup_py = setup_cfg(pkg.directory), pkg.directory / "setup.py"
    if sections.get("metadata"):
        missing = missing_setup_cfg(sections, pbr=setup_py.is_file() and uses_pbr(pkg.directory))
        if setup_py.is_file():  # setuptools merges setup()'s keywords
            if (passed := setup_py_keywords(pkg.directory)) is None:
                return None, setup_py, "setup()"
            given = {f for f, keywords in _SETUP_KEYWORDS.items() if passed & keywords}
            if len(given) > len(_SETUP_KEYWORDS) - len(missing):  # setup() holds most of it
                return [f for f in missing if f not in given], setup_py, "setup()"
            missing = [f for f in missing if f not in given]
        return missing, pkg.directory / "setup.cfg", "[metadata] and [options]"
    if setup_py.is_file():
        return None, setup_py, "setup()"
    return missing_metadata(doc), pkg.pyproject, "[project]"


def _flit_4_refuses(pkg: Package) -> str | None:
    """Why flit_core 4, which refuses ``[tool.flit.metadata]``, would build ``pkg``, or ``None``."""
    if not pkg.backend.startswith("flit_core") or not pkg.pyproject.is_file():
        return None
    doc = _pyproject(pkg)
    if not flit_metadata(doc) or table(doc, "project"):
        return None
    for text in pkg.build_requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) == "flit-core":
            if not requirement.specifier.contains("4.0", prereleases=True):
                return None
            return (
                f"{pkg.pyproject}: [tool.flit.metadata] is refused by flit_core 4, which "
                f'[build-system] requires = {text!r} allows; require "flit_core>=3.2,<4" '
                "there, or move the metadata to [project]"
            )
    return None


def metadata_checks(ws: Workspace, pkg: Package) -> list[Check]:
    rows: list[Check] = []

    def row(check: str, status: str, detail: str) -> None:
        rows.append(Check(f"{check} {pkg.name}", status, detail))

    missing, path, table = _declared(pkg)
    where = rel(path, ws.root)
    if missing is None:
        detail = "declares the metadata in code; build-all's twine check checks it once built"
        return [Check(f"metadata {pkg.name}", WARN, f"{where} {detail}")]
    if pkg.vcs_versioned:  # the tags give it (pbr's setup.cfg has none)
        missing = [field for field in missing if field != "version"]
    if (old_flit := _flit_4_refuses(pkg)) is not None:
        row("metadata", ERROR, old_flit)
    required = [field for field in missing if field in ("name", "version")]
    # an index accepts a project without these; users and search miss them
    wanted = [f for f in missing if f in ("description", "readme", "requires-python")]
    if required:
        row("metadata", ERROR, f"{where} lacks {', '.join(required)}; add them to {table}")
    elif wanted:
        used = "an index accepts that, but the project page (and pip, for requires-python) use them"
        row("metadata", WARN, f"{where} lacks {', '.join(wanted)}; {used}: add them to {table}")
    else:
        licensed = "" if "license" in missing else ", license"
        row("metadata", OK, f"name, version, description, readme, requires-python{licensed}")
    if "license" in missing:
        stated = stated_license((pkg.directory, ws.root))
        hint = 'license = "MIT" (any SPDX expression)'
        if stated is not None:
            hint = f'license = "{stated[0]}" (what {rel(stated[1], ws.root)} states)'
        terms = "an index accepts that but users cannot tell the terms"
        row("license", WARN, f"{where} has no license; {terms}: add {hint} to {table}")
    if direct := direct_references(pkg):
        refused = "PyPI and TestPyPI refuse an upload that has one"
        detail = f"{', '.join(map(repr, direct))}, a direct reference; {refused}"
        wanted_fix = "require a released version before the release"
        row("dependencies", WARN, f"{rel(pkg.pyproject, ws.root)} requires {detail}: {wanted_fix}")
    problem = readme_problem(pkg.readme, _declared_content_type(pkg))
    builder = _long_description(pkg) if problem and pkg.readme is not None else None
    # no readme, or none uploaded: said in the metadata row (a project page without one is a choice)
    if problem and builder:
        may = "(fill in its include directives, drop sections)"
        checked = "build-all's twine check --strict checks what it builds"
        long = f"{problem}, but {builder} builds the long description {may}"
        row("readme", WARN, f"{long}; {checked}")
    elif problem and pkg.readme is not None and builder is None:
        row("readme", ERROR, f"{problem}; fix it, PyPI shows it as the project page")
    elif not problem and pkg.readme is not None:
        row("readme", OK, f"{rel(pkg.readme, ws.root)} renders")
    return rows


def _declared_content_type(pkg: Package) -> str | None:
    doc = _pyproject(pkg)
    for where in (table(doc, "project"), table(doc, "tool", "setuptools", "dynamic")):
        readme = where.get("readme")
        if isinstance(readme, Mapping) and isinstance(readme.get("content-type"), str):
            return str(readme["content-type"])
    declared = setup_cfg(pkg.directory).get("metadata", {}).get("long_description_content_type")
    return declared or None


def _long_description(pkg: Package) -> str | None:
    """What builds the long description when it is not the readme as it is (``None``): setup.py
    or a backend's metadata hook; ``""`` when nothing uploads the readme."""
    setup_py = (pkg.directory / "setup.py").is_file()
    doc = _pyproject(pkg)
    project = table(doc, "project")
    dynamic = "readme" in (project.get("dynamic") or ())
    named = bool(project.get("readme") or table(doc, "tool", "poetry").get("readme"))
    named = named or "long_description" in setup_cfg(pkg.directory).get("metadata", {})
    passed = setup_py_keywords(pkg.directory) if setup_py and not named else None
    uploads = setup_py and (passed is None or "long_description" in passed)
    if not (named or dynamic or uploads) and (setup_py or (pkg.directory / "setup.cfg").is_file()):
        return ""
    if passed is not None and "long_description" in passed:
        return "setup.py (long_description=...)"
    hooked = not table(doc, "tool", "setuptools", "dynamic").get("readme")
    if dynamic and not project.get("readme") and hooked:
        return "a metadata hook of the build backend ([project] dynamic lists readme)"
    return None


def direct_references(pkg: Package) -> list[str]:
    """The ``[project]`` dependencies (optional ones too) written as ``name @ URL``."""
    project = table(_pyproject(pkg), "project")
    found: list[Any] = list(project.get("dependencies") or [])
    extras = project.get("optional-dependencies")
    for values in extras.values() if isinstance(extras, Mapping) else ():
        found += list(values) if isinstance(values, list) else []
    return [text for text in found if isinstance(text, str) and _url_of(text)]


def _url_of(text: str) -> str | None:
    try:
        return Requirement(text).url
    except InvalidRequirement:
        return None


def heading_like(path: Path, version: str) -> str:
    """A heading for ``version`` in the style of ``path``'s latest release section."""
    try:
        text = read_bytes(path).decode("utf-8", "replace")
    except OSError:
        text = ""
    found = sections(text)
    for section in found:
        if section.label == UNRELEASED or len(section.versions) != 1:
            continue
        if any(other.heading in section.body for other in found if other is not section):
            continue  # a line's title holding its releases ('# v10' over '## v10.12.0')
        if re.search(r"\bunreleased\b", section.heading, re.IGNORECASE):
            continue  # "## (0.41.0) UNRELEASED": a release's heading is copied
        old = section.versions[0][1]
        if section.marker == DIRECTIVE:
            return f"'{DIRECTIVE}' with ':version: {version}'"
        if section.marker == DATED:  # a GNU ChangeLog entry: 2025-04-24<TAB>name 1.4.0
            line = section.heading.splitlines()[0].replace(old, version, 1)
            return f"{re.sub(r'^[0-9-]+', 'YYYY-MM-DD', line)!r} over its entries, indented"
        first = next((line for line in section.heading.splitlines() if old in line), "")
        at = first.find(old)
        if at < 0:
            continue
        after = undated(re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", first[at + len(old) :]))
        if "/compare/" not in after:  # a link to the release's own page names it too
            after = re.sub(rf"(?<![\w.]){re.escape(old)}(?![\w])", version, after)
        title = _compare_moved(first[:at] + version + after, old, version)
        if section.atx or section.marker in (BOLD, BARE):
            return f"'{title}'"
        if section.marker == ALONE:
            return f"'{title}' over its entries, indented"
        over = "over- and " if section.heading.startswith(section.marker * 3) else ""
        return f"'{title.strip()}' {over}underlined with {section.marker * len(title)}"
    rst = path.suffix.lower() == ".rst" or any(not h.atx for h in headings(text.splitlines()))
    if rst:  # a reStructuredText file with no release to copy: an underlined title
        title = f"{version} (YYYY-MM-DD)"
        unreleased = "(or entries under 'Unreleased' underlined with ----------)"
        return f"'{title}' underlined with {'-' * len(title)} {unreleased}"
    return f"## [{version}] (or entries under ## [Unreleased])"


def _compare_moved(title: str, old: str, version: str) -> str:
    """``title`` with its compare link (``compare/1.51.0...1.52.0``) moved on to ``version``."""
    link = re.search(
        rf"(?P<left>/compare/)[^)\s]+?\.\.\.(?P<right>[^)\s]*?){re.escape(old)}(?=[)\s]|$)", title
    )
    if link is None:
        return title
    tag = link.group("right")
    moved = f"{link.group('left')}{tag}{old}...{tag}{version}"
    return title[: link.start()] + moved + title[link.end() :]


def release_of(version: str) -> str | None:
    """The release a development version is written under (``3.2.0.dev``, ``2.4.0+dev`` ->
    ``3.2.0``, ``2.4.0``; ``2.0rc1.dev3`` -> ``2.0rc1``); ``None`` for any other."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    public, _, local = version.partition("+")
    if parsed.dev is None:
        return public if local.lower().startswith("dev") and parsed.pre is None else None
    return re.sub(r"[-_.]?dev[-_.]?\d*$", "", public, flags=re.IGNORECASE) or None


def final_of(version: str) -> str | None:
    """The final release a pre-release leads to (``2.4.0rc1`` -> ``2.4.0``), else ``None``."""
    parsed = maybe_version(version)
    if parsed is None or parsed.pre is None or parsed.dev is not None or parsed.local:
        return None
    return parsed.base_version


def changelog_checks(ws: Workspace, pkg: Package, version: str | None) -> Row:
    """Whether ``pkg``'s changelog is ready for ``version``; why that file, if history chose it."""
    path, why = changelog_choice(ws, pkg)
    status, detail = _changelog_check(ws, pkg, version, path)
    return status, detail if why is None else f"{detail} ({why})"


def _changelog_check(ws: Workspace, pkg: Package, version: str | None, path: Path) -> Row:
    wanted = version or pkg.version
    required = ws.config.flag("require-changelog", "doctor") is True  # missing: an error
    missing = ERROR if required else WARN
    opt_in = "" if required else " (a warning: [tool.relnox.doctor] require-changelog is off)"
    news = towncrier(pkg.directory, ws.root)
    written = news.changelog if news is not None else None  # towncrier's news file
    if not path.is_file() and written is not None and written.is_file():
        path = written  # (doc/en/changelog.rst)
    if not path.is_file() and news is not None and written and "{version}" in written.name:
        return _page_per_release(ws, pkg, news, wanted, missing, opt_in)
    if not path.is_file() and (pages := release_pages(pkg.directory)) is not None:  # per release
        folder, by_version, spelling = pages
        page, target = _release_page(ws, pkg, wanted, lambda v: by_version.get(Version(v)))
        if page is not None:
            return OK, f"{rel(page, ws.root)} is the page of {target}"
        page = folder / spelling.format(target)
        return missing, f"no {rel(page, ws.root)}; write {target}'s notes there{opt_in}"
    if not path.is_file() and os.path.lexists(path):  # a directory, a link to nothing, a pipe
        fix = "make it a file, or name the changelog with [tool.relnox] changelog"
        where = f"{rel(path, ws.root)} is {not_a_file(path)} where the changelog should be"
        return missing, f"{where}: {fix}{opt_in}"
    if not path.is_file():
        only = "release notes will only say how to install"
        return missing, f"no {rel(path, ws.root)}; {only}{opt_in}"
    if read_section(path, wanted, pkg.name):
        return OK, f"{rel(path, ws.root)} has a section for {wanted}"
    if (coming := release_of(wanted)) is not None:  # 3.2.0.dev: written as 3.2.0's section
        if read_section(path, coming, pkg.name):
            return OK, f"{rel(path, ws.root)} has a section for {coming}, the release of {wanted}"
        wanted = bumped_release(ws, pkg, wanted, coming)
    final = final_of(wanted)
    if final is not None and read_section(path, final, pkg.name):  # 2.4.0rc1 under 2.4.0
        return OK, f"{rel(path, ws.root)} has a section for {final}, the release {wanted} leads to"
    unreleased = read_section(path, UNRELEASED)
    parsed = maybe_version(wanted)
    # a newest section not out yet of a lower version (v1.18.2 (Unreleased)): the bump's reading
    waiting = pending_newest(read_text(path))
    older = maybe_version(waiting.label) if waiting and waiting.versions[0][0] is None else None
    what = "Unreleased entries become"
    # a version its tag released already: the entries are the next release's
    out = pkg.tags is not None and parsed is not None and parsed in pkg.tags.released
    whose = "the next release's" if out else f"{wanted}'s"
    if waiting is not None and older is not None and parsed is not None and older < parsed:
        unreleased, what = (waiting, f"'{waiting.title}' becomes")
    if unreleased is not None and unreleased.has_entries:
        kept = changelog_kept(ws, path, "the next release" if out else wanted, [pkg])
        if kept is not None:  # the same answer the bump gives
            return OK, f"{rel(path, ws.root)} is {kept}"
        return OK, f"{rel(path, ws.root)}: {what} {whose} section on bump"
    if (aside := unreleased_aside(path)) is not None:
        return OK, (
            f"{rel(aside, ws.root)} holds the Unreleased entries {rel(path, ws.root)} points "
            f"to; move them in as {wanted}'s section before the bump (relnox does not move them)"
        )
    if (pending := _pending_entries(ws, pkg, news)) is not None:
        return OK, f"{pending[0]} {whose} section on {pending[1]}"
    if version is None and pkg.tags is not None and pkg.tags.last and pkg.stamped:
        # 0.0.1 stamped at build time is no release: the entries are the next one's
        after = bumped_release(ws, pkg, pkg.version, str(bump_version(pkg.tags.last, "patch")))
        return missing, (
            f"{rel(path, ws.root)} has no section for the release after "
            f"{pkg.tags.last} ({pkg.version} is a placeholder the release replaces); "
            f"add its section, like {heading_like(path, after)}{opt_in}"
        )
    return missing, (
        f"{rel(path, ws.root)} has no section for {wanted} and no Unreleased entries; "
        f"add {heading_like(path, wanted)}{opt_in}"
    )


def _release_page(
    ws: Workspace, pkg: Package, wanted: str, find: Callable[[str], Path | None]
) -> tuple[Path | None, str]:
    """The page of ``wanted`` or the release it leads to, and that version; else the one to make."""
    coming = release_of(wanted)
    for version in dict.fromkeys(v for v in (wanted, coming, final_of(wanted)) if v):
        if (page := find(version)) is not None:
            return page, version
    return None, bumped_release(ws, pkg, wanted, coming) if coming else wanted


def bumped_release(ws: Workspace, pkg: Package, wanted: str, coming: str) -> str:
    """The release the bump gives development version ``wanted``, else ``coming``."""
    at = replace(pkg, version=wanted)
    try:
        return next_version(ws, at, [at], "patch")
    except VersionError:
        return coming


def _page_per_release(
    ws: Workspace, pkg: Package, news: News, wanted: str, missing: str, opt_in: str
) -> Row:
    """The changelog check when towncrier writes each release a page of its own."""

    def page_of(version: str) -> Path:
        return Path(str(news.changelog).replace("{version}", version))

    found, target = _release_page(
        ws, pkg, wanted, lambda v: p if (p := page_of(v)).is_file() else None
    )
    if found is not None:
        return OK, f"{rel(found, ws.root)} is the page of {target}"
    if (pending := _pending_entries(ws, pkg, news, news_only=True)) is not None:
        return OK, f"{pending[0]} the page of {target} on {pending[1]}"
    where = rel(news.directory, ws.root)
    return missing, (
        f"no {rel(page_of(target), ws.root)} and no towncrier fragment in {where}; "
        f"add one there for towncrier build{opt_in}"
    )


#: each news tool's step that turns its fragments into a section, and its word for them
_STEPS = {
    "towncrier": ("towncrier build", ("fragment", "fragments")),
    "changie": ("changie batch", ("entry", "entries")),
    "scriv": ("scriv collect", ("fragment", "fragments")),
}


def _pending_entries(
    ws: Workspace, pkg: Package, news: News | None, news_only: bool = False
) -> tuple[str, str] | None:
    """The first news tool of ``pkg`` (``news_only``: towncrier, already read as ``news``) with
    entries for the next release, said as ``news: 2 towncrier fragments become``, and its step."""
    others = () if news_only else (changie(pkg.directory, ws.root), scriv(pkg.directory))
    for found in (news, *others):
        if found is not None and found.fragments:
            step, noun = _STEPS[found.tool]
            count = len(found.fragments)
            nouns = f"{noun[1]} become" if count > 1 else f"{noun[0]} becomes"
            return f"{rel(found.directory, ws.root)}: {count} {found.tool} {nouns}", step
    return None


def pin_checks(ws: Workspace, pkg: Package) -> list[Check]:
    """Requirements on siblings not admitting their version here (a kept pin: said, not warned)."""
    from relnox.project.pins import pin_rule, unadmitted

    rows = []
    for req, target in unadmitted(ws, pkg):
        written = req.text if req.style == "pep508" else f"{target.name} {req.text}"
        detail = (
            f"{rel(req.path, ws.root)} requires {written!r}, which does not admit "
            f"{target.name} {target.version} of this repository; a bump of "
            f"{target.name} rewrites it, or fix it by hand if the pin is meant"
        )
        rule, why = pin_rule(ws, req) if req.style == "pep508" else ("admit", "")
        if rule == "keep":  # the maintainers keep it: said, no warning
            detail = detail.split("; a bump", 1)[0] + f"; kept (pin rule keep: {why})"
        rows.append(Check(f"pins {pkg.name}", OK if rule == "keep" else WARN, detail))
    return rows
