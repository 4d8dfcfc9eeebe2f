"""Where a tag's release goes: ``[tool.relnox.publish] prerelease`` and ``final``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.version import Version

from relnox.errors import PublishError, VersionError
from relnox.project.package_tags import packages_of_tag, parse_release_tag
from relnox.project.workspace import Workspace
from relnox.tools.repositories import PYPI, TESTPYPI
from relnox.versions.arithmetic import maybe_version
from relnox.versions.tags import ParsedTag


@dataclass(frozen=True)
class TagRoute:
    tag: str
    version: str
    package: str | None  # the package the tag names, if its format has {name} or {dir}
    prerelease: bool
    repository: str


def route_for_tag(tag: str, workspace: Workspace) -> TagRoute:
    name = tag.removeprefix("refs/tags/")
    try:
        parsed: ParsedTag | None = parse_release_tag(workspace, name)
    except VersionError:  # no convention here reads it: the version at its end
        parsed = None
    raw = parsed.version if parsed else name.rsplit("-v", 1)[-1].removeprefix("v")
    version = maybe_version(raw)
    if version is None:
        raise VersionError(
            f"tag {name!r} holds no PEP 440 version (tag-format is {workspace.tag_format!r}); "
            "pass a release tag such as v1.2.0 or 1.2.0rc1"
        )
    tagged = packages_of_tag(workspace, parsed) if parsed and (parsed.name or parsed.dir) else ()
    package = tagged[0].name if tagged else None
    target = configured_target(workspace, version.is_prerelease)
    return TagRoute(name, str(version), package, version.is_prerelease, target)


def configured_target(workspace: Workspace, prerelease: bool) -> str:
    key = "prerelease" if prerelease else "final"
    target = workspace.config.section("publish").get(key, TESTPYPI if prerelease else PYPI)
    if not isinstance(target, str):
        raise PublishError(
            f"{workspace.config.source}: [tool.relnox.publish] {key} must be a repository name "
            f'or URL, not {target!r}; for example {key} = "{TESTPYPI if prerelease else PYPI}"'
        )
    return target


@dataclass(frozen=True)
class CiRoutes:
    """Which of release.yml's publish jobs takes each package, by its own version."""

    testpypi: tuple[str, ...]  # packages for the test-index job
    pypi: tuple[str, ...]  # packages for the PyPI job
    repository: str  # where the PyPI job publishes (``[tool.relnox.publish] final``)
    prerelease_tags: tuple[str, ...]  # tags whose GitHub release is a pre-release


def ci_routes(
    workspace: Workspace,
    versions: Mapping[str, str],
    tags: Mapping[str, str | None],
    target: str | None = None,
) -> CiRoutes:
    """All to ``target`` (a run from a branch), else each by :func:`configured_target`."""
    if target is not None and target not in (TESTPYPI, PYPI):
        raise PublishError(
            f"--target {target!r}: the release workflow publishes to {TESTPYPI} or {PYPI}; "
            "pass one of them"
        )
    test: list[str] = []
    final: dict[str, str] = {}  # package -> repository
    pre_tags: list[str] = []
    for name, raw in versions.items():
        version = maybe_version(raw)
        prerelease = bool(version and version.is_prerelease)
        tag = tags.get(name)
        if prerelease and tag and tag not in pre_tags:
            pre_tags.append(tag)
        where = target or configured_target(workspace, prerelease)
        if where == TESTPYPI:
            test.append(name)
        else:
            final[name] = where
    _refuse_finals_needing_test_only(workspace, versions, final, set(test))
    places = sorted(set(final.values()))
    if len(places) > 1:
        raise PublishError(
            f"{workspace.config.source}: [tool.relnox.publish] sends this release's packages to "
            f"{' and '.join(places)}; one run publishes to one index besides {TESTPYPI}: "
            "release the tags of each index in a run of its own"
        )
    return CiRoutes(tuple(test), tuple(final), places[0] if places else PYPI, tuple(pre_tags))


def _refuse_finals_needing_test_only(
    workspace: Workspace, versions: Mapping[str, str], final: Mapping[str, str], test: set[str]
) -> None:
    """Refuse a final for PyPI that needs a pre-release of this run (the test index's)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    for name, where in final.items():
        for requirement in workspace.get(name).requirements:
            dep = requirement.target
            if dep not in test or not requirement.runtime or requirement.style != "pep508":
                continue
            try:
                wanted = SpecifierSet(requirement.specifier)
            except InvalidSpecifier:
                continue
            if not wanted.contains(versions[dep], prereleases=True):
                continue  # it does not take this release's pre-release anyway
            released = workspace.get(dep).released
            if released is not None and not released.is_prerelease:
                if wanted.contains(released, prereleases=False):
                    continue  # the last final release of the dependency will do
            elif not any(
                spec.operator in (">=", ">", "==", "~=", "===")
                and (maybe_version(spec.version) or Version("0")).is_prerelease
                for spec in wanted
            ):
                continue  # no tag says which finals exist; only a bound on a pre-release is sure
            raise PublishError(
                f"{name} {versions[name]} goes to {where}, but it needs {dep}{wanted} "
                f"({requirement.path}), which only {dep} {versions[dep]} of this release "
                f"satisfies, and a pre-release goes to {TESTPYPI} only: nobody could install "
                f"{name} from {where}; release {dep} as a final version too, or {name} as a "
                "pre-release"
            )
