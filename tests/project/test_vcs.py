"""The release workflow's tag trigger, read without a YAML library (relnox's command
needs none), agrees with a YAML parser on the shapes workflows are written in."""

from __future__ import annotations

import pytest
import yaml

from relnox.project.vcs import push_tags

SHAPES = {
    "block list": "on:\n  push:\n    tags:\n      - 'v*'\n      - \"core-v[0-9]*\"\n",
    "flow list": "name: r\non:\n  push:\n    branches: [main]\n    tags: ['v*', 'py-v*']\n",
    "one string": "on:\n  push:\n    tags: v*\n  workflow_dispatch:\n",
    "quoted on": '"on":\n  push:\n    tags:\n    - "[0-9]*"\njobs: {}\n',
    "comments": "on:  # when\n  push:\n    tags:   # release tags\n      - 'v*'  # only v\n",
    "no tags": "on:\n  push:\n    branches: [main]\n  pull_request:\n",
    "tags elsewhere": "on:\n  workflow_dispatch:\njobs:\n  a:\n    tags:\n      - x\n",
    "release trigger": "on:\n  release:\n    types: [published]\n",
    "deeper indent": "on:\n    push:\n        tags:\n            - 'v*'\n    pull_request:\n",
}


def _by_yaml(text: str) -> list[str]:
    doc = yaml.safe_load(text)
    on = doc.get(True, doc.get("on")) if isinstance(doc, dict) else None
    push = on.get("push") if isinstance(on, dict) else None
    tags = push.get("tags") if isinstance(push, dict) else None
    return [tags] if isinstance(tags, str) else list(tags or [])


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_push_tags_read_as_a_yaml_parser_reads_them(shape: str) -> None:
    assert push_tags(SHAPES[shape]) == _by_yaml(SHAPES[shape])


def test_the_command_reads_triggers_without_pyyaml() -> None:
    import relnox.project.vcs as vcs

    assert "yaml" not in vcs.__dict__
