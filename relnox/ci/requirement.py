"""The relnox a generated workflow installs: the one this relnox was installed from (PEP 610)."""

from __future__ import annotations

import json
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from typing import Any

from packaging.requirements import Requirement

from relnox.errors import ConfigError

CHOICES = (
    "set [tool.relnox.ci] relnox-requirement in pyproject.toml "
    '(e.g. "relnox @ git+https://github.com/OWNER/relnox@COMMIT" or "relnox==VERSION"), '
    "or run ci-init from a relnox installed from an index or from a git URL "
    "(pip install 'relnox @ git+URL@COMMIT')"
)


def installed_distribution() -> Distribution | None:
    try:
        return distribution("relnox")
    except PackageNotFoundError:
        return None


def _direct_url(dist: Distribution) -> dict[str, Any] | None:
    text = dist.read_text("direct_url.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise ConfigError(
            "relnox's direct_url.json (PEP 610) is unreadable, so ci-init cannot tell where "
            f"relnox was installed from; {CHOICES}"
        )
    return data


def requirement_from(dist: Distribution | None) -> str:
    """The requirement that installs ``dist`` again on a CI runner."""
    if dist is None:
        raise ConfigError(f"relnox is not installed (it runs from a source tree); {CHOICES}")
    version = dist.version
    data = _direct_url(dist)
    if data is None:
        return f"relnox=={version}"
    url: str = data["url"]
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("commit_id"), str):
        if url.startswith("file:"):
            raise ConfigError(
                f"relnox {version} was installed from a local git repository ({url}), "
                f"which a CI runner cannot reach; {CHOICES}"
            )
        subdirectory = data.get("subdirectory")
        tail = f"#subdirectory={subdirectory}" if subdirectory else ""
        return f"relnox @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}{tail}"
    dir_info = data.get("dir_info")
    if isinstance(dir_info, dict):
        how = "an editable install" if dir_info.get("editable") else "a local directory"
        raise ConfigError(
            f"relnox {version} is {how} ({url}), which a CI runner cannot install; {CHOICES}"
        )
    if url.startswith(("https:", "http:")):
        archive = data.get("archive_info")
        hashes = archive.get("hashes") if isinstance(archive, dict) else None
        sha256 = hashes.get("sha256") if isinstance(hashes, dict) else None
        return f"relnox @ {url}" + (f"#sha256={sha256}" if sha256 and "#" not in url else "")
    raise ConfigError(
        f"relnox {version} was installed from a local file ({url}), "
        f"which a CI runner cannot install; {CHOICES}"
    )


def squatting_warning(requirements: tuple[str, ...]) -> str | None:
    """A warning for index names installed in jobs that hold ``id-token: write``."""
    named = [r for r in requirements if Requirement(r).url is None]  # by name, no URL
    if not named:
        return None
    return (
        "the publishing jobs hold id-token: write and install "
        + ", ".join(named)
        + " by name from the runner's index: check each name is the project you mean "
        "(an unclaimed or squatted name runs its owner's code with your publishing identity); "
        "for relnox, a git commit in [tool.relnox.ci] relnox-requirement avoids the index"
    )
