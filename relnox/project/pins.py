"""Requirements on workspace packages that must follow a new version, rewritten in shape:
one that still admits it is left alone; ``>=0.3.0,<0.4.0`` becomes ``>=0.4.0,<0.5.0`` for
0.4.0, and ``==``, ``~=`` and poetry's ``^`` and ``~`` move alike; extras, markers, spacing
and the number of segments written are kept."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from relnox.errors import VersionError, shortlist
from relnox.paths import rel
from relnox.project.moved_with import history_rule
from relnox.project.pyproject import pep508_arrays, requirement_target
from relnox.toml import UNREADABLE, tomllib
from relnox.tools import git
from relnox.versions.arithmetic import maybe_version
from relnox.versions.tag_name import last_releases

if TYPE_CHECKING:
    from relnox.project.pyproject import InternalRequirement
    from relnox.project.workspace import Package, Workspace

_NAME_RE = re.compile(r"\s*[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\s*(?:\[[^\]]*\])?\s*")


def _release(v: Version, length: int) -> list[int]:
    return (list(v.release) + [0] * length)[:length]


def shaped(new: Version, like: str) -> str:
    """``new`` written with as many release segments as ``like`` when nothing is lost."""
    try:
        count = len(Version(like).release)
    except InvalidVersion:
        return str(new)
    plain = new.pre is None and new.post is None and new.dev is None and new.local is None
    if plain and count >= 1 and not any(new.release[count:]):
        prefix = f"{new.epoch}!" if new.epoch else ""
        return prefix + ".".join(str(n) for n in _release(new, count))
    return str(new)


def _caret(version: Version, length: int) -> list[int]:
    """The next "major" of ``version`` as semver's caret reads it: 0.3.1 -> 0.4, 1.2 -> 2."""
    release = _release(version, max(length, len(version.release)))
    index = next((i for i, n in enumerate(release) if n), len(release) - 1)
    return [*release[:index], release[index] + 1] + [0] * (len(release) - index - 1)


def upper_bound(new: Version, upper: Version, lower: Version | None) -> str:
    """A new exclusive upper bound, as far from the new lower bound as before; a cap at the old
    floor's next major stays at the new version's (``>=0.3,<0.4`` bumped to 1.0.0: ``<2.0``)."""
    length = len(upper.release)
    width = max(len(lower.release) if lower is not None else 0, length)
    # a floor below the cap's release (not a pre-release of it: ``>=3.0.0a0,<3``, a floor
    # raised to the next major's first pre-release) is a range of that width
    if lower is not None and _release(lower, width) < _release(upper, width):
        if _release(upper, width) == _caret(lower, width):
            return ".".join(str(n) for n in _caret(new, width)[:length] or [0])
        low, high = _release(lower, width), _release(upper, width)
        index = next(i for i in range(width) if low[i] != high[i])
        step = high[index] - low[index]
    else:
        nonzero = [i for i, n in enumerate(upper.release) if n]
        index, step = (nonzero[-1] if nonzero else length - 1), 1
    base = _release(new, max(length, index + 1))
    out = [*base[:index], base[index] + step] + [0] * (max(length, index + 1) - index - 1)
    return ".".join(str(n) for n in out)


def _clauses(new: Version, clauses: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(operator, version)`` clauses rewritten to admit ``new``, bounds with its public version
    (PEP 440 allows a ``+local`` label only after ``==`` and ``===``)."""
    public = Version(new.public)
    said = [maybe_version(v) for op, v in clauses if op in (">=", ">", "~=", "==")]
    lower = max((v for v in said if v is not None), default=None)  # 1.6.* is no version
    # beside an == pin, a floor that admits the new version is no range to slide:
    # ``core==26.8.*,>=0.0.0a0`` lets nightlies (pre-releases) of the series in
    pinned = any(op in ("==", "===") for op, _version in clauses)
    out: list[tuple[str, str]] = []
    for op, version in clauses:
        if op in (">=", ">") and pinned and Specifier(f"{op}{version}").contains(new, True):
            out.append((op, version))
        elif op in (">=", ">"):  # the range slides: its lower bound becomes the new version
            out.append((">=", shaped(public, version)))
        elif Specifier(f"{op}{version}").contains(new, prereleases=True):
            out.append((op, version))
        elif op == "<":
            out.append(("<", upper_bound(new, Version(version), lower)))
        elif op == "<=":
            out.append(("<=", str(public)))
        elif op == "==" and version.endswith(".*"):
            count = len(version[:-2].split("."))
            out.append(("==", ".".join(str(n) for n in _release(new, count)) + ".*"))
        elif op in ("==", "==="):
            out.append((op, str(new)))
        elif op == "~=":  # needs at least two release segments
            text = shaped(public, version)
            if len(Version(text).release) < 2:
                epoch = f"{public.epoch}!" if public.epoch else ""
                head = epoch + ".".join(map(str, public.release))
                text = f"{epoch}{public.release[0]}.0{str(public)[len(head) :]}"
            out.append(("~=", text))
        # "!=" excluding the new version is dropped
    return out


def _split_clauses(region: str, where: str) -> tuple[list[tuple[str, str]], str]:
    """``">=1.0, <2"`` -> ``[(">=", "1.0"), ("<", "2")]`` and the separator used."""
    separator = ", " if ", " in region else ","
    clauses = []
    for item in filter(None, (raw.strip() for raw in region.split(","))):
        try:
            spec = Specifier(item)
        except InvalidSpecifier:
            raise VersionError(f"{where}: invalid version specifier {item!r}; fix it") from None
        clauses.append((spec.operator, spec.version))
    return clauses, separator


def _join(clauses: list[tuple[str, str]], separator: str, spaced: bool = False) -> str:
    gap = " " if spaced else ""
    return separator.join(f"{op}{gap}{version}" for op, version in clauses)


def _spaced(region: str) -> bool:
    """Whether the requirement writes a space between operator and version."""
    return re.search(r"[<>=!~]\s+[0-9]", region) is not None


def rewrite_pep508(text: str, new: Version, where: str) -> str | None:
    """``text`` (a PEP 508 requirement) admitting ``new``; ``None`` if it already does."""
    match = _NAME_RE.match(text)
    rest = text[match.end() :] if match else ""
    if not rest or rest.startswith("@"):
        return None
    region, semicolon, marker = rest.partition(";")
    stripped = region.rstrip()
    wrapped = stripped.startswith("(") and stripped.endswith(")")
    inner = stripped[1:-1] if wrapped else stripped
    if not inner.strip():
        return None
    clauses, separator = _split_clauses(inner, where)
    if SpecifierSet(",".join(op + v for op, v in clauses)).contains(new, prereleases=True):
        return None
    rewritten = _join(_clauses(new, clauses), separator, _spaced(inner))
    if not SpecifierSet(rewritten).contains(new, prereleases=True):
        raise VersionError(
            f"{where}: cannot rewrite {text!r} so that it admits {new}; "
            "edit that requirement by hand and rerun"
        )
    rewritten = f"({rewritten})" if wrapped else rewritten
    trailing = region[len(stripped) :]
    return text[: match.end() if match else 0] + rewritten + trailing + semicolon + marker


# -- poetry constraints --------------------------------------------------------------


def _tight(constraint: str) -> str:
    """``">= 1.0 < 2"`` -> ``">=1.0 <2"``: no space between an operator and its version."""
    return re.sub(r"([<>=!~^]=?)\s+", r"\1", constraint)


def _poetry_range(item: str) -> str:
    """One poetry constraint (no ``||``) as a PEP 440 specifier."""
    if (item := item.strip()) in ("", "*"):
        return ""
    if item[0] in "^~" and not item.startswith("~="):
        version = Version(item[1:].strip())
        release = list(version.release)
        if item[0] == "^":
            nonzero = [i for i, n in enumerate(release) if n]
            index = nonzero[0] if nonzero else len(release) - 1
        else:
            index = 0 if len(release) == 1 else 1
        upper = [*release[:index], release[index] + 1]
        return f">={version},<{'.'.join(map(str, upper))}"
    parts = [p for p in re.split(r"[,\s]+", _tight(item)) if p]
    return ",".join(p if p[0] in "<>=!~" else f"=={p}" for p in parts)


def poetry_specifier(constraint: str) -> str | None:
    """A poetry constraint (``^3.9``, ``>=3.9,<3.12``) as a PEP 440 specifier; ``None`` for
    alternatives (``||``) or one that does not parse."""
    if "||" in constraint:
        return None
    try:
        parts = [_poetry_range(p) for p in re.split(r"[,\s]+", _tight(constraint)) if p]
        return str(SpecifierSet(",".join(p for p in parts if p))) or None
    except (InvalidSpecifier, InvalidVersion):
        return None


def poetry_admits(constraint: str, new: Version) -> bool:
    return any(
        SpecifierSet(_poetry_range(alt)).contains(new, prereleases=True)
        for alt in constraint.split("||")
    )


def rewrite_poetry(constraint: str, new: Version, where: str) -> str | None:
    """A poetry constraint admitting ``new``; ``None`` if it already does."""
    try:
        if poetry_admits(constraint, new):
            return None
    except (InvalidSpecifier, InvalidVersion):
        raise VersionError(f"{where}: invalid poetry constraint {constraint!r}; fix it") from None
    alternatives = constraint.split("||")
    last = alternatives[-1]
    lead = last[: len(last) - len(last.lstrip())]
    item = _tight(last.strip())
    if item[0] in "^~" and not item.startswith("~="):  # a range: the public version
        rewritten = item[0] + shaped(Version(new.public), item[1:].strip())
    elif item[0].isdigit() and item.endswith(".*"):
        count = len(item[:-2].split("."))
        rewritten = ".".join(str(n) for n in _release(new, count)) + ".*"
    elif item[0].isdigit():
        rewritten = str(new)
    else:
        separator = ", " if ", " in item else ("," if "," in item else " ")
        clauses, _ = _split_clauses(item.replace(" ", ",") if separator == " " else item, where)
        rewritten = _join(_clauses(new, clauses), separator)
    if not SpecifierSet(_poetry_range(rewritten)).contains(new, prereleases=True):
        raise VersionError(
            f"{where}: cannot rewrite {constraint!r} so that it admits {new}; "
            "edit that constraint by hand and rerun"
        )
    return "||".join([*alternatives[:-1], lead + rewritten])


def rewrite_requirement(text: str, style: str, new: Version, where: str) -> str | None:
    """``text`` in ``style`` (``pep508`` or ``poetry``) rewritten to admit ``new``."""
    return (rewrite_poetry if style == "poetry" else rewrite_pep508)(text, new, where)


def rewrite_cfg_line(text: str, key: tuple[str | int, ...], old: str, new: str, path: str) -> str:
    """``text`` of a setup.cfg with the requirement ``old`` in ``key``'s section and option
    replaced by ``new``; everything else kept byte for byte."""
    section, option = str(key[0]), str(key[1]).lower()
    lines = text.splitlines(keepends=True)
    here, current, found = "", None, []
    for number, line in enumerate(lines):
        if (stripped := line.strip()).startswith("[") and stripped.endswith("]"):
            here, current = stripped[1:-1].strip(), None
            continue
        if here != section or not stripped or stripped[0] in "#;":
            continue
        value = line
        if line[0] not in " \t":  # ``name = value`` starts an option's value
            name, equals, value = line.partition("=")
            current = name.strip().lower() if equals else None
        if current == option and value.split(" #", 1)[0].strip() == old:
            found.append(number)
    if len(found) != 1:
        raise VersionError(f"{path}: {old!r} is no longer in [{section}] {option}; rerun the bump")
    lines[found[0]] = lines[found[0]].replace(old, new, 1)
    return "".join(lines)


def rewrite_line(text: str, index: int, old: str, new: str, path: str) -> str:
    """``text`` of a requirements file with ``old`` on line ``index`` replaced by ``new``."""
    lines = text.splitlines(keepends=True)
    if index >= len(lines) or lines[index].split(" #", 1)[0].strip() != old:
        raise VersionError(f"{path}: {old!r} is no longer on line {index + 1}; rerun the bump")
    lines[index] = lines[index].replace(old, new, 1)
    return "".join(lines)


# -- what moves with a release, read from the history -----------------------------------

#: ``[tool.relnox] pin-rule``: how a requirement on a sibling follows its release
PIN_RULES = ("history", "admit", "raise", "keep")


def raise_floor(text: str, new: Version, where: str) -> str | None:
    """``text`` (a PEP 508 requirement) with its floors (``>=``, ``>``) raised to ``new``
    (``name>=1.6.11rc1`` -> ``name>=1.7.0``), then admitting it; ``None``: nothing moves."""
    match = _NAME_RE.match(text)
    rest = text[match.end() :] if match else ""
    region = rest.partition(";")[0].strip().strip("()")
    if not region or rest.startswith("@"):
        return None
    clauses, separator = _split_clauses(region, where)
    public = Version(new.public)
    raised = [
        (">=", shaped(public, v)) if op in (">=", ">") and Version(v) < public else (op, v)
        for op, v in clauses
    ]
    if raised == clauses:
        return None
    moved = text.replace(region, _join(raised, separator, _spaced(region)), 1)
    return rewrite_pep508(moved, new, where) or moved


def pin_rule(
    workspace: Workspace,
    req: InternalRequirement,
    releases: Sequence[tuple[Version, str]] | None = None,
) -> tuple[str, str]:
    """How ``req`` follows a new release of its target, and why: ``raise``, ``keep`` or ``admit``;
    ``[tool.relnox] pin-rule``, else :func:`_history_rule` (``releases``: read already)."""
    if (setting := history_rule(workspace, "pin-rule", PIN_RULES)) != "history":
        return setting, f"[tool.relnox] pin-rule = {setting!r}"
    if releases is None:
        releases = last_releases(workspace.get(req.target), workspace.tag_format)
    rule, why, seen = _history_rule(workspace, req, releases)
    if seen or rule != "raise":
        return rule, why
    # a requirement newer than the target's last releases: the history of its siblings
    # (the requirements of the packages released with its own) decides
    owner = next((p for p in workspace.packages if req in p.requirements), None)
    for pkg in workspace.group_of(owner) if owner else ():
        for other in pkg.requirements:
            if other.target == req.target and other.path != req.path and other.key:
                rule, why, seen = _history_rule(workspace, other, releases)
                if seen and rule == "raise":
                    said = why.removeprefix("it ")
                    return rule, f"new since the last releases; {pkg.name}'s requirement {said}"
                if seen:
                    return "admit", why
    return "admit", why


def _history_rule(
    workspace: Workspace, req: InternalRequirement, releases: Sequence[tuple[Version, str]]
) -> tuple[str, str, bool]:
    """:func:`pin_rule` from ``req``'s own history at its target's last ``releases``, and whether
    it had one: raised at the last two is ``raise``, admitting only older ones ``keep``."""
    seen: list[tuple[str, str, str]] = []  # (what, its constraint, tag), the last first
    where = _where(workspace, req) if releases else None
    for version, tag in releases:
        if (old := _requirement_at(workspace, req, tag, where)) is not None:
            parsed = _parsed(old)
            seen.append((_moved_with(parsed, version), _constraint(old, parsed), tag))
    # the constraint as now (extras aside) at the last two releases, admitting only older
    # ones at the last (and not raised to the one before): kept
    if (
        len(seen) >= 2
        and seen[0][0] == "kept"
        and seen[1][0] != "raised"
        and seen[0][1] == seen[1][1] == _constraint(req.text, _parsed(req.text))
    ):
        return "keep", f"it stayed {req.text} at {seen[1][2]} and {seen[0][2]}", True
    # admitting only an older release at each of the last two, though moved between (a bot
    # moves it to each release once it is out): kept
    if len(seen) >= 2 and seen[0][0] == seen[1][0] == "kept":
        return "keep", f"it admitted only an older release at {seen[1][2]} and {seen[0][2]}", True
    if len(seen) >= 2 and seen[0][0] == seen[1][0] == "raised":  # an older release before
        raised = [tag for what, _, tag in seen if what == "raised"]  # the practice began aside
        return "raise", f"it was raised to each release at {', '.join(reversed(raised))}", True
    if any(what != "raised" for what, _, _ in seen):
        return "admit", "the history shows no rule", True
    # too new to have a history (raised at most once): its siblings' may decide
    return "raise", "the history shows no rule", False


def _parsed(text: str) -> Requirement | None:
    """A requirement's text parsed, or ``None`` when it is no PEP 508 requirement."""
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


def _constraint(text: str, parsed: Requirement | None) -> str:
    """The version constraint of a requirement (its extras and marker aside)."""
    return str(parsed.specifier) if parsed is not None else text


def _moved_with(old: Requirement | None, release: Version) -> str:
    """What a requirement at ``release`` says: ``raised`` (floor or pin at it), ``kept`` or ``""``."""
    if old is None:
        return ""
    specifiers = old.specifier
    lower = (">=", "==", "===", "~=")
    said = [maybe_version(s.version) for s in specifiers if s.operator in lower]
    floors = [v for v in said if v is not None]  # not a prefix match (1.6.*)
    if floors and not specifiers.contains(release, prereleases=True):
        return "kept" if all(v < release for v in floors) else ""
    return "raised" if floors and max(floors) == release else ""


def _requirement_at(
    workspace: Workspace,
    req: InternalRequirement,
    tag: str,
    where: str | None,
) -> str | None:
    """``req`` as its pyproject.toml wrote it at ``tag`` (same table and target), or None."""
    # read already when asked with the others, while git.held holds the repository
    text = git.show_file(workspace.root, tag, where) if where is not None else None
    if text is None:
        return None
    written = _pep508_arrays(text).get(req.key[:-1], ())
    return next((item for item in written if requirement_target(item) == req.target), None)


def _where(workspace: Workspace, req: InternalRequirement) -> str | None:
    """``req``'s ``pyproject.toml`` from the repository's top; None for a requirement
    written elsewhere (no pyproject.toml PEP 508 array)."""
    if req.style != "pep508" or req.path.name != "pyproject.toml" or req.in_lines:
        return None
    return rel(req.path, git.toplevel(workspace.root))


@functools.cache
def _pep508_arrays(text: str) -> dict[tuple[str | int, ...], tuple[str, ...]]:
    """A ``pyproject.toml`` text's PEP 508 requirement arrays by their key (each distinct
    text parsed once, read-only: tomllib); empty when it is not TOML."""
    try:
        doc = tomllib.loads(text)
    except UNREADABLE:
        return {}
    return {
        key: tuple(item for item in items if isinstance(item, str))
        for key, items, _runtime, _optional in pep508_arrays(doc)
        if isinstance(items, list)
    }


def read_histories(
    workspace: Workspace, reqs: Sequence[InternalRequirement]
) -> dict[str, list[tuple[Version, str]]]:
    """Every file the :func:`pin_rule` of ``reqs`` reads at their targets' last releases, asked
    of git at once (one by one, 70 dependents made 400 round trips); each target's releases."""
    if workspace.config.raw.get("pin-rule", "history") != "history":
        return {}  # the setting decides: no history read
    targets = {req.target for req in reqs}
    tags = {t: last_releases(workspace.get(t), workspace.tag_format) for t in targets}
    wheres = [(where, req.target) for req in reqs if (where := _where(workspace, req)) is not None]
    if asked := [(where, tag) for where, target in wheres for _v, tag in tags[target]]:
        git.show_files(workspace.root, [(tag, where) for where, tag in asked])
    return tags


def pin_rules(workspace: Workspace, targets: set[str]) -> list[tuple[str, str]]:
    """``("x requires y>=1", "raise (why)")`` for each requirement on ``targets`` not ruled ``admit``."""
    lines = []
    asked = [
        (pkg, req)
        for pkg in workspace.packages
        for req in pkg.requirements
        if req.target in targets and req.key and req.style == "pep508"
    ]
    with git.held(workspace.root):  # the files at the tags read through one process
        releases = read_histories(workspace, [req for _pkg, req in asked])
        for pkg, req in asked:  # each target's releases read once, for all its dependents
            rule, why = pin_rule(workspace, req, releases.get(req.target))
            if rule != "admit":
                lines.append((f"{pkg.name} requires {req.text}", f"{rule} ({why})"))
    return lines


def said_once(rules: list[tuple[str, str]], every: bool = True) -> list[str]:
    """The lines of :func:`pin_rules`: one per requirement, or (``every`` off) one for more than 3
    under the same rule and reason, with the count of the others."""
    if every:
        return [f"{req}: pin rule {ruled}" for req, ruled in rules]
    shared: dict[str, list[str]] = {}
    for req, ruled in rules:
        shared.setdefault(ruled, []).append(req)
    return [
        f"{req}: pin rule {ruled}"
        for ruled, reqs in shared.items()
        for req in ([shortlist(reqs, 1)] if len(reqs) > 3 else reqs)
    ]


def unadmitted(ws: Workspace, pkg: Package) -> list[tuple[InternalRequirement, Package]]:
    """``pkg``'s runtime requirements on packages of ``ws`` that do not admit their version
    here, each with the package it names (tag-versioned targets left out)."""
    found = []
    for req in pkg.requirements:
        target = next((p for p in ws.packages if p.name == req.target), None)
        if not req.runtime or not req.key or target is None or target.vcs_versioned:
            continue
        try:
            version = Version(target.version)
            if req.style == "poetry":
                admits = poetry_admits(req.text, version)
            else:
                admits = SpecifierSet(req.specifier).contains(version, prereleases=True)
        except (InvalidSpecifier, InvalidVersion, ValueError):
            continue
        if not admits:
            found.append((req, target))
    return found


def move_named_pin(text: str, target: str, old: str, new: str) -> str:
    """``text``, a dependent's version module, with each top-level constant naming ``target`` and
    a version that holds ``old`` (``_COMPATIBLE_ACME_CORE_VERSION = '2.43.0'``) set to ``new``."""
    stem = re.sub(r"[-_.]+", "_", target).upper()
    constant = rf"[A-Z0-9_]*{re.escape(stem)}_[A-Z0-9_]*VERSION[A-Z0-9_]*"
    pattern = re.compile(
        rf"""(?m)^(?P<lead>{constant}[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*(?P<q>['"])){re.escape(old)}(?=(?P=q))"""
    )
    return pattern.sub(lambda match: match["lead"] + new, text)
