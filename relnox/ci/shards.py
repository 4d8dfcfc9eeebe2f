"""ci-init's shards mode: ``shards`` plans the split, ``build-shard`` builds each shard, and
``build`` assembles them into the usual ``dist`` artifact; each job's commands once, for
release.yml and for the GitLab pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.ci.pins import DOWNLOAD, PACKAGE_ARGS, upload, uses

if TYPE_CHECKING:
    from relnox.ci.gitlab import PipelineBuilder
    from relnox.ci.workflows import WorkflowBuilder

PLAN_FILE = "shards.json"
SHARD_OUT = "shard"  # each shard's --out, beside its .relnox/shard/ manifest
SHARDS_DIR = "shards"  # where the assemble job downloads them
ENV = {"PACKAGES": "${{ needs.plan.outputs.packages }}"}


def split(shards: str) -> str:
    return PACKAGE_ARGS + f'nox -s plan -- --shards {shards} --json "${{args[@]}}" > {PLAN_FILE}\n'


def build(shard: str) -> str:
    return (
        PACKAGE_ARGS + f"nox -s build_all -- --shard {shard} --timings {PLAN_FILE} "
        f'--out {SHARD_OUT} "${{args[@]}}"\n'
    )


ASSEMBLE = PACKAGE_ARGS + f'nox -s assemble -- "${{args[@]}}" {SHARDS_DIR}/shard-*/{SHARD_OUT}\n'
VERIFY = 'nox -s verify_install -- "${args[@]}"\n'


def shard_jobs(builder: WorkflowBuilder, shards: str) -> dict[str, Any]:
    """release.yml's jobs in place of its build job."""
    state = builder.prefix + ".relnox/" + SHARD_OUT + "/"
    return {
        "shards": builder.job(
            "Split the build into shards (nox -s plan -- --shards)",
            *builder.setup(fetch_all=True),
            {
                "name": "Split the release's packages, balanced by their last build times",
                "id": "split",
                "run": split('"$SHARDS"'),
                "env": {**ENV, "SHARDS": shards},
            },
            upload("shard-plan", builder.prefix + PLAN_FILE),
            needs="plan",
            when="needs.plan.outputs.packages != ''",  # its tags released by an earlier run
            outputs={"matrix": "${{ steps.split.outputs.matrix }}"},
        ),
        "build-shard": builder.job(
            "Build shard ${{ matrix.shard }} (nox -s build_all -- --shard)",
            *builder.setup(fetch_all=True, builds=True),
            {"uses": uses(DOWNLOAD), "with": {"name": "shard-plan", "path": builder.prefix or "."}},
            {
                "name": "Build, check and record this shard",
                "run": build('"$SHARD"'),
                "env": {**ENV, "SHARD": "${{ matrix.shard }}"},
            },
            upload(  # the shard manifest is in .relnox/: hidden files too
                "shard-${{ strategy.job-index }}",
                f"{builder.prefix}{SHARD_OUT}/\n{state}\n",
                {"include-hidden-files": True},
            ),
            needs=["plan", "shards"],
            strategy={"matrix": "${{ fromJSON(needs.shards.outputs.matrix) }}"},
        ),
        "build": builder.job(
            "Assemble the shards and verify (nox -s assemble)",
            *builder.setup(fetch_all=True),
            {
                "uses": uses(DOWNLOAD),
                "with": {"pattern": "shard-[0-9]*", "path": builder.prefix + SHARDS_DIR + "/"},
            },
            {
                "name": "Assemble dist/, every file checked against its shard's manifest",
                "run": ASSEMBLE,
                "env": ENV,
            },
            {"name": "Install and import every package", "run": PACKAGE_ARGS + VERIFY, "env": ENV},
            upload("dist", builder.dist + "/"),
            needs=["plan", "build-shard"],
        ),
    }


def gitlab_shard_jobs(pipeline: PipelineBuilder, shards: str) -> dict[str, Any]:
    """The GitLab pipeline's jobs in place of its build job."""
    prefix, packages = pipeline.flow.prefix, 'PACKAGES="$RELNOX_PACKAGES"\n'
    mine = f'{SHARDS_DIR}/shard-"$CI_NODE_INDEX"'
    copy = f"mkdir -p {mine}/.relnox\ncp -R {SHARD_OUT} {mine}/\ncp -R .relnox/{SHARD_OUT} {mine}/.relnox/\n"
    common = pipeline.job("build")
    plan = {"job": "relnox-plan", "optional": True}
    return {
        "relnox-shards": {
            **common,
            "needs": [plan],
            "script": [packages + split(shards)],
            "artifacts": {"paths": [prefix + PLAN_FILE]},
        },
        "relnox-build-shard": {
            **common,
            "needs": [plan, "relnox-shards"],
            "parallel": int(shards),
            "script": [packages + build('"$CI_NODE_INDEX/$CI_NODE_TOTAL"') + copy],
            "artifacts": {"paths": [prefix + SHARDS_DIR + "/"]},
        },
        "relnox-build": {
            **common,
            "needs": [plan, "relnox-build-shard"],
            "script": [packages + ASSEMBLE + VERIFY],
            "artifacts": {"paths": [pipeline.flow.dist + "/"]},
        },
    }
