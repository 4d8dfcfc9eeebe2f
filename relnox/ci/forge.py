"""Which forge a repository's CI runs on; for GitLab what to set up, and what doctor checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from relnox.ci.gitlab import PIPELINE, PUSH_TOKEN, TOP
from relnox.ci.publishing import targets, trusted_note
from relnox.ci.workflows import WorkflowBuilder
from relnox.errors import ConfigError
from relnox.project.workspace import Package, Workspace
from relnox.tools import git
from relnox.tools.gitlab import is_gitlab_host, remote_host, remote_path

#: ``[tool.relnox.ci] forge``: where the repository's CI runs (default: detected)
FORGES = ("github", "gitlab", "both")


def forges(workspace: Workspace) -> tuple[str, ...]:
    """``[tool.relnox.ci] forge``, else GitLab by ``.gitlab-ci.yml`` or origin, else GitHub."""
    value = workspace.config.section("ci").get("forge")
    if value is not None:
        if value not in FORGES:
            raise ConfigError(
                f"{workspace.config.source}: [tool.relnox.ci] forge {value!r} is not one of "
                f'{", ".join(map(repr, FORGES))}; write "gitlab" (a GitLab pipeline), "github" '
                '(GitHub Actions workflows) or "both"'
            )
        return ("github", "gitlab") if value == "both" else (str(value),)
    if (top(workspace) / TOP).exists() or is_gitlab_host(remote_host(_origin(workspace))):
        return ("gitlab",)
    return ("github",)


def top(workspace: Workspace) -> Path:
    return git.top_of(workspace.root) or workspace.root


def _origin(workspace: Workspace) -> str:
    where = top(workspace)
    if not git.is_repo(where):
        return ""
    return git.git(where, "remote", "get-url", "origin", check=False).strip()


def notes(workspace: Workspace, flow: WorkflowBuilder) -> list[str]:
    """What the user must do on GitLab before the first release."""
    found = []
    existing = top(workspace) / TOP
    text = existing.read_text("utf-8", errors="replace") if existing.exists() else ""
    if existing.exists() and PIPELINE not in text:
        found.append(
            f"{TOP} is yours and stays as it is: add the line `include: {{ local: {PIPELINE} }}` "
            "to it (or the entry `- local: " + PIPELINE + "` to its include: list)"
        )
    if (stages := stages_problem(text)) is not None:
        found.append(f"{TOP}: {stages}")
    own = "-<name>" if flow.settings.environments == "per-project" else ""
    trusted = [t.name for t in flow.targets.values() if t.signs]
    if trusted:
        path = remote_path(_origin(workspace)) or "<namespace>/<project>"
        found.append(trusted_note(workspace, trusted, own, path))
    for target in flow.targets.values():
        if not target.signs:
            found.append(
                f"the relnox-{target.name} job uploads to {target.repository.label}: create "
                "the CI/CD variables TWINE_USERNAME and TWINE_PASSWORD (masked, protected, "
                f"in the environment {target.name}{own})"
            )
    if flow.settings.mode == "release-pr":
        found.append(
            "the relnox-release-mr job keeps the release merge request on every push to "
            f"{flow.settings.branch}: give {PUSH_TOKEN} the api scope too, so that it opens "
            "and edits the merge request (see docs/gitlab.md)"
        )
    found.append(
        f"the relnox-auto-tag job pushes the tags of changed versions: create the CI/CD "
        f"variable {PUSH_TOKEN} (masked, protected: a project access token with "
        "write_repository), as tags pushed with the job's own token start no pipeline"
    )
    return found


#: the stages the jobs of :data:`PIPELINE` run in, in this order (GitLab's default ones)
STAGES = ("build", "test", "deploy")
#: a top-level ``stages:`` list, a flow ``[a, b]`` or a block of ``- a`` lines
_STAGES = re.compile(
    r"^stages:[ \t]*(?:\[(?P<flow>[^\]]*)\])?[ \t]*(?:#.*)?\n"
    r"(?P<block>(?:[ \t]+-.*\n|[ \t]*(?:#.*)?\n)*)",
    re.M,
)


def stages_problem(text: str) -> str | None:
    """Why the jobs of PIPELINE cannot run under the ``stages:`` of ``text`` (None: they can)."""
    if (match := _STAGES.search(text)) is None:
        return None
    items = (
        match["flow"].split(",")
        if match["flow"] is not None
        else [line.strip()[1:] for line in match["block"].splitlines() if line.strip()[:1] == "-"]
    )
    stages = [name for item in items if (name := item.split("#")[0].strip().strip("'\""))]
    listed = f"its stages: ({', '.join(stages)})"
    ours = ", ".join(STAGES)
    if missing := [stage for stage in STAGES if stage not in stages]:
        return (
            f"{listed} lack {' and '.join(missing)}, where relnox's jobs run (GitLab refuses "
            f"the pipeline: stage not found); add {'it' if len(missing) == 1 else 'them'} so "
            f"that {ours} come in that order"
        )
    if [s for s in stages if s in STAGES] != list(STAGES):
        return (
            f"{listed} do not run {ours} in that order, and relnox's jobs need each one's "
            f"before them (relnox-verify in test needs relnox-build in build); reorder them"
        )
    return None


def pipeline_problems(workspace: Workspace, packages: Sequence[Package]) -> list[str] | None:
    """What doctor finds wrong in the pipeline ci-init wrote (None: none there)."""
    path = top(workspace) / PIPELINE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    blocks = dict(re.findall(r"^([\w.'-]+):[ \t]*\n((?:[ \t]+.*\n|[ \t]*\n)*)", text, re.M))
    fix = "; regenerate it with relnox ci-init --force"
    rule = re.search(r"\$CI_COMMIT_TAG =~ /(.*)/[ \t]*$", text, re.M)
    if rule is None:
        return [f"{PIPELINE} has no release tag rule ($CI_COMMIT_TAG =~ /.../){fix}"]
    try:
        expression = re.compile(rule.group(1).replace("\\/", "/"))
    except re.error:
        return [f"{PIPELINE}: its tag rule /{rule.group(1)}/ is no regular expression{fix}"]
    found = []
    if (top(workspace) / TOP).is_file():
        said = stages_problem((top(workspace) / TOP).read_text("utf-8", errors="replace"))
        found += [f"{TOP}: {said}"] if said is not None else []
    missed = [workspace.tag_for(p) for p in packages if not expression.match(workspace.tag_for(p))]
    if missed:
        found.append(
            f"{PIPELINE}: its tag rule /{rule.group(1)}/ does not match {', '.join(missed)}, "
            f"so those tags would release nothing{fix}"
        )
    wanted = {f"relnox-{t.name}": t for t in targets(workspace).values() if t.id_token}
    for job, target in wanted.items():
        variable, aud = target.id_token or ("", "")
        block = blocks.get(job, "")
        if not re.search(rf"id_tokens:\s*\n\s*{variable}:\s*\n\s*aud: '?{aud}'?\s*$", block, re.M):
            found.append(
                f"{PIPELINE}: the job {job} has no ID token {variable} with aud: {aud}, so "
                f"trusted publishing to {target.repository.label} gets no token{fix}"
            )
    others = sorted(job for job, block in blocks.items() if "id_tokens:" in block)
    extra = [job for job in others if job not in wanted]
    if extra:
        found.append(
            f"{PIPELINE}: {', '.join(extra)} hold(s) an ID token, which only the publish jobs "
            "need; remove id_tokens: there"
        )
    return found
