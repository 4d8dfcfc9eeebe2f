"""A changelog's link definitions at a release, in the file's style."""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.version import Version

from relnox.project.changelog import UNRELEASED, sections
from relnox.versions.arithmetic import maybe_version

#: ``[label]: url`` (or reST's target ``.. _label: url``), one a line, at its start
_DEFINITION = re.compile(
    r"^(?:\[(?P<label>[^\]\r\n]+)\]|\.\. _(?P<target>[^:`\r\n]+)):(?P<gap>[ \t]*)(?P<url>\S+)"
    r"(?P<trail>[ \t]*)(?P<eol>\r?\n|\Z)",
    re.MULTILINE,
)


def _label(found: re.Match[str]) -> str:
    return found["label"] if found["label"] is not None else found["target"]


def _define(like: re.Match[str], label: str) -> str:
    """The start of ``label``'s definition, spelled as ``like``'s."""
    return f"[{label}]:" if like["label"] is not None else f".. _{label}:"


#: ``<base>/compare/OLD...HEAD``: what changed since OLD (GitHub, GitLab's ``/-/compare/``)
_COMPARE = re.compile(r"^(?P<base>\S*/compare/)(?P<old>\S+?)\.\.\.(?P<head>\S+)$")


def release_links(text: str, title: str, tag: str) -> str:
    """``text`` with ``[Unreleased]`` moved on to ``tag`` and a ``[title]`` definition added."""
    found = list(_DEFINITION.finditer(text))
    if any(_label(m).lower().lstrip("v") == title.lower().lstrip("v") for m in found):
        return text
    unreleased = next((m for m in found if _label(m).lower() == UNRELEASED), None)
    compare = _COMPARE.match(unreleased["url"]) if unreleased is not None else None
    if compare is not None and compare["old"] == tag:
        return text  # released already
    headed = {v.lstrip("vV") for section in sections(text) for _, v in section.versions}
    linked = [m for m in found if _label(m).lstrip("vV") in headed and maybe_version(_label(m))]
    new = maybe_version(title)  # the release before: the highest a heading names below it
    below = [(v, h) for h in headed if (v := maybe_version(h)) is not None and new and v < new]
    url = _new_url(linked, compare, title, tag, max(below)[1] if below else None)
    if unreleased is not None and compare is not None:
        base, head = compare.group("base", "head")
        moved = f"{_define(unreleased, _label(unreleased))}{unreleased['gap']}{base}{tag}...{head}"
        eol = unreleased["eol"] or line_end(text)
        added = f"{eol}{_define(unreleased, title)}{unreleased['gap']}{url}" if url else ""
        line = f"{moved}{unreleased['trail']}{added}{unreleased['eol']}"
        return text[: unreleased.start()] + line + text[unreleased.end() :]
    if url is None or (newest := _newest(linked)) is None:
        return text
    line = f"{_define(newest, title)}{newest['gap']}{url}{newest['eol'] or line_end(text)}"
    if linked[0] is newest:  # newest first: the new one above it
        return text[: newest.start()] + line + text[newest.start() :]
    if not newest["eol"]:  # the last line of the file: the new one goes below it
        line = line_end(text) + line.rstrip("\r\n")
    return text[: newest.end()] + line + text[newest.end() :]


def line_end(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _newest(linked: Sequence[re.Match[str]]) -> re.Match[str] | None:
    return max(linked, key=lambda m: maybe_version(_label(m)) or Version("0")) if linked else None


def _new_url(
    linked: Sequence[re.Match[str]],
    compare: re.Match[str] | None,
    title: str,
    tag: str,
    previous: str | None,
) -> str | None:
    """The url of ``[title]`` in the style of the newest release's, else of ``[Unreleased]``."""
    newest = _newest(linked)
    since = _COMPARE.match(newest["url"]) if newest is not None else None
    if newest is None or (since is None and len(linked) == 1 and compare is not None):
        return f"{compare['base']}{compare['old']}...{tag}" if compare is not None else None
    if since is not None:
        old = compare["old"] if compare is not None else since["head"]
        said = _label(newest).lstrip("vV")
        if compare is None and previous and Version(previous) > Version(said):
            old = old.replace(said, previous) if old.count(said) == 1 else old
        return f"{since['base']}{old}...{tag}"
    # the tag's own page: the last segment names the newest version; name the new one there
    url = newest["url"]
    cut = url.rstrip("/").rfind("/") + 1
    segment = url[cut:]
    version = _label(newest).removeprefix("v").removeprefix("V")
    if segment.rstrip("/").count(version) != 1:
        return None
    return url[:cut] + segment.replace(version, title.removeprefix("v"))
