"""Where a tag's release goes: pre-releases to TestPyPI, final versions to PyPI (configurable).

::

    [tool.relnox.publish]
    prerelease = "testpypi"   # a/b/rc/dev versions
    final = "pypi"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from relnox.errors import PublishError, VersionError
from relnox.project.workspace import Workspace
from relnox.tags import ParsedTag, parse_tag
from relnox.tools.repositories import PYPI, TESTPYPI
from relnox.versioning import maybe_version


@dataclass(frozen=True)
class TagRoute:
    """Where ``--from-tag`` sends a release: pre-releases one way, final versions the other."""

    tag: str
    version: str
    package: str | None  # the package the tag names, if its format has {name} or {dir}
    prerelease: bool
    repository: str


def route_for_tag(tag: str, workspace: Workspace) -> TagRoute:
    """``[tool.relnox.publish] prerelease = "testpypi"`` / ``final = "pypi"`` applied to ``tag``."""
    name = tag.removeprefix("refs/tags/")
    matches = workspace.match_tag(name)
    parsed = (
        ParsedTag(name, matches[0][1], name=matches[0][0].name if len(matches) == 1 else None)
        if matches
        else parse_tag(workspace.tag_format, tag)
    )
    raw = parsed.version if parsed else name.rsplit("-v", 1)[-1].removeprefix("v")
    version = maybe_version(raw)
    if version is None:
        raise VersionError(
            f"tag {name!r} holds no PEP 440 version (tag-format is {workspace.tag_format!r}); "
            "pass a release tag such as v1.2.0 or 1.2.0rc1"
        )
    package = None
    if parsed and (parsed.name or parsed.dir):
        package = workspace.get(parsed.name or parsed.dir or "").name
    settings = workspace.config.section("publish")
    key = "prerelease" if version.is_prerelease else "final"
    target = settings.get(key, TESTPYPI if version.is_prerelease else PYPI)
    if not isinstance(target, str):
        raise PublishError(
            f"{workspace.config.source}: [tool.relnox.publish] {key} must be a repository name "
            f'or URL, not {target!r}; for example {key} = "{TESTPYPI if key == "prerelease" else PYPI}"'
        )
    return TagRoute(name, str(version), package, version.is_prerelease, target)


def ci_tag(environ: Mapping[str, str]) -> str | None:
    """The tag a CI run was started for (GitHub Actions' ``GITHUB_REF``)."""
    ref = environ.get("GITHUB_REF", "")
    return ref.removeprefix("refs/tags/") if ref.startswith("refs/tags/") else None
