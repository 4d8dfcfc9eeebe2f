"""The repository's own workflows that publish, which a release tag would start too."""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import takewhile
from pathlib import Path

from relnox.ci.workflows import HEADER
from relnox.versions.vcs import workflows

#: a step that uploads distributions, by the tool it runs
_PUBLISHES = re.compile(
    r"(?P<tool>pypa/gh-action-pypi-publish|\b(?:twine|maturin)\s+upload\b"
    r"|\b(?:uv|poetry|flit|pdm|hatch|maturin)\s+publish\b)"
)
#: ``environment: pypi``, or its ``name:`` on the next line
_ENVIRONMENT = re.compile(r"^[ \t]*environment:\s*(?:name:\s*)?['\"]?(?P<name>[\w.-]+)", re.M)


def _code(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _events(code: str) -> set[str]:
    """The events of a workflow's ``on:``, read without a YAML parser."""
    lines = code.splitlines()
    for i, line in enumerate(lines):
        found = re.match(r"""^(?:on|"on"|'on'):(.*)$""", line)
        if found is None:
            continue
        inline = found.group(1).split("#")[0].strip()
        if inline:
            return set(re.findall(r"[A-Za-z_]+", inline))
        block = list(takewhile(lambda b: not b.strip() or b[0].isspace(), lines[i + 1 :]))
        indents = [len(b) - len(b.lstrip()) for b in block if b.strip()]
        depth = min(indents, default=0)
        return {
            m.group(1)
            for b in block
            if len(b) - len(b.lstrip()) == depth and (m := re.match(r"\s*([A-Za-z_]+)\s*:", b))
        }
    return set()


def publishing_workflows(top: Path, generated: Collection[str], trigger: str = "tag") -> list[str]:
    """A line for each workflow under ``top`` that publishes, but those ci-init writes."""
    found = []
    for name, data in workflows(top):
        rel = f".github/workflows/{name}"
        text = data.decode("utf-8", "replace")
        if rel in generated and HEADER.splitlines()[0] in text:
            continue
        code = _code(text)
        tools = sorted({match.group("tool") for match in _PUBLISHES.finditer(code)})
        if not tools:
            continue
        environments = sorted({m.group("name") for m in _ENVIRONMENT.finditer(code)})
        where = f" in the environment(s) {', '.join(environments)}" if environments else ""
        habit = ""
        if trigger == "tag" and "release" in _events(code):
            habit = (
                f"; {rel} runs when a GitHub Release is published, and release.yml (run by "
                "tags) releases nothing for a tag whose GitHub Release already exists: set "
                '[tool.relnox.ci] trigger = "release" to keep releasing by publishing one'
            )
        if rel in generated:  # the file ci-init replaces (--force): its trusted publisher stays
            found.append(_replaced(rel, tools, where, environments) + habit)
            continue
        found.append(
            f"warning: {rel} publishes too ({', '.join(tools)}{where}): a release would upload "
            "from both workflows, and PyPI's trusted publisher names one workflow file and "
            f"environment; add a trusted publisher for release.yml (environments pypi and "
            f"testpypi) and remove {rel}'s upload, or keep {rel} and leave release.yml out" + habit
        )
    return found


def _replaced(rel: str, tools: list[str], where: str, environments: list[str]) -> str:
    name = rel.rpartition("/")[2]
    others = [env for env in environments if env not in ("pypi", "testpypi")]
    publisher = (
        f"its trusted publisher on PyPI ({name}, environment {' or '.join(others)}) refuses "
        "the new pypi job its token: change that environment to pypi"
        if others
        else f"check its trusted publisher on PyPI ({name}) names the environment pypi"
    )
    return (
        f"warning: {rel} published ({', '.join(tools)}{where}) and --force replaces it with "
        f"relnox's {name}: {publisher}, and add one on TestPyPI with the environment testpypi"
    )
