"""ci-init's shards mode: ``shards`` plans the split, ``build-shard`` builds each shard, and
``build`` assembles them into the usual ``dist`` artifact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnox.ci.pins import DOWNLOAD, PACKAGE_ARGS, READ, upload, uses

if TYPE_CHECKING:
    from relnox.ci.workflows import WorkflowBuilder

PLAN_FILE = "shards.json"
SHARD_OUT = "shard"  # each shard's --out, beside its .relnox/shard/ manifest
SHARDS_DIR = "shards"  # where the assemble job downloads them


ENV = {"PACKAGES": "${{ needs.plan.outputs.packages }}"}


def plan_job(builder: WorkflowBuilder, shards: str) -> dict[str, Any]:
    return {
        "name": "Split the build into shards (nox -s plan -- --shards)",
        "needs": "plan",
        "if": "needs.plan.outputs.packages != ''",  # its tags released by an earlier run
        "runs-on": "ubuntu-latest",
        "permissions": READ,
        "outputs": {"matrix": "${{ steps.split.outputs.matrix }}"},
        "steps": [
            *builder.setup(builder.build_python, fetch_all=True),
            {
                "name": "Split the release's packages, balanced by their last build times",
                "id": "split",
                "run": PACKAGE_ARGS
                + f'nox -s plan -- --shards "$SHARDS" --json "${{args[@]}}" > {PLAN_FILE}\n',
                "env": {**ENV, "SHARDS": shards},
            },
            upload("shard-plan", builder.prefix + PLAN_FILE),
        ],
    }


def build_job(builder: WorkflowBuilder) -> dict[str, Any]:
    state = builder.prefix + ".relnox/" + SHARD_OUT + "/"
    return {
        "name": "Build shard ${{ matrix.shard }} (nox -s build_all -- --shard)",
        "needs": ["plan", "shards"],
        "runs-on": "ubuntu-latest",
        "permissions": READ,
        "strategy": {"matrix": "${{ fromJSON(needs.shards.outputs.matrix) }}"},
        "steps": [
            *builder.setup(builder.build_python, fetch_all=True, builds=True),
            {"uses": uses(DOWNLOAD), "with": {"name": "shard-plan", "path": builder.prefix or "."}},
            {
                "name": "Build, check and record this shard",
                "run": PACKAGE_ARGS + 'nox -s build_all -- --shard "$SHARD" --timings '
                f'{PLAN_FILE} --out {SHARD_OUT} "${{args[@]}}"\n',
                "env": {**ENV, "SHARD": "${{ matrix.shard }}"},
            },
            upload(  # the shard manifest is in .relnox/: hidden files too
                "shard-${{ strategy.job-index }}",
                f"{builder.prefix}{SHARD_OUT}/\n{state}\n",
                {"include-hidden-files": True},
            ),
        ],
    }


def assemble_job(builder: WorkflowBuilder) -> dict[str, Any]:
    return {
        "name": "Assemble the shards and verify (nox -s assemble)",
        "needs": ["plan", "build-shard"],
        "runs-on": "ubuntu-latest",
        "permissions": READ,
        "steps": [
            *builder.setup(builder.build_python, fetch_all=True),
            {
                "uses": uses(DOWNLOAD),
                "with": {"pattern": "shard-[0-9]*", "path": builder.prefix + SHARDS_DIR + "/"},
            },
            {
                "name": "Assemble dist/, every file checked against its shard's manifest",
                "run": PACKAGE_ARGS
                + f'nox -s assemble -- "${{args[@]}}" {SHARDS_DIR}/shard-*/{SHARD_OUT}\n',
                "env": ENV,
            },
            {
                "name": "Install and import every package",
                "run": PACKAGE_ARGS + 'nox -s verify_install -- "${args[@]}"\n',
                "env": ENV,
            },
            upload("dist", builder.dist + "/"),
        ],
    }


def shard_jobs(builder: WorkflowBuilder, shards: str) -> dict[str, Any]:
    return {
        "shards": plan_job(builder, shards),
        "build-shard": build_job(builder),
        "build": assemble_job(builder),
    }
