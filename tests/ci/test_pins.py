"""The table of pinned actions and its refresh, noxfile's update_action_pins (git ls-remote,
faked: it needs the network)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from noxfile import parse_ls_remote, refresh_pins, rewrite_table
from relnox.ci import pins as ci_pins
from relnox.ci.pins import PINS, SHA, uses
from relnox.errors import RelnoxError


def test_every_pin_is_a_full_sha_with_its_version() -> None:
    for action, pin in PINS.items():
        assert SHA.match(pin.sha), action
        assert pin.version.startswith("v"), action
        assert uses(action) == f"{action}@{pin.sha}" and uses(action).comment == pin.version


LIGHT = "a" * 40
TAG_OBJECT = "b" * 40
PEELED = "c" * 40


def test_ls_remote_peels_annotated_tags() -> None:
    light = f"{LIGHT}\trefs/tags/v1.0.0\n"
    annotated = f"{TAG_OBJECT}\trefs/tags/v2.0.0\n{PEELED}\trefs/tags/v2.0.0^{{}}\n"
    assert parse_ls_remote(light, "v1.0.0") == LIGHT
    assert parse_ls_remote(annotated, "v2.0.0") == PEELED
    with pytest.raises(RelnoxError, match=r"no tag 'v3\.0\.0'"):
        parse_ls_remote(light, "v3.0.0")


def test_refresh_rewrites_only_the_shas(tmp_path: Path) -> None:
    module = tmp_path / "ci_pins.py"
    original = Path(ci_pins.__file__).read_text(encoding="utf-8")
    module.write_text(original, encoding="utf-8")
    calls: list[list[str]] = []

    def run(argv: Sequence[str]) -> str:
        calls.append(list(argv))
        action = argv[3].removeprefix("https://github.com/")
        sha = PEELED if action == "actions/checkout" else PINS[action].sha
        return f"{TAG_OBJECT}\t{argv[4]}\n{sha}\t{argv[5]}\n"

    changed = refresh_pins(run, module)
    assert changed == {"actions/checkout": PEELED}
    assert [c[:3] for c in calls] == [["git", "ls-remote", "--tags"]] * len(PINS)
    text = module.read_text(encoding="utf-8")
    assert f'Pin("{PINS["actions/checkout"].version}", "{PEELED}")' in text
    assert text.replace(PEELED, PINS["actions/checkout"].sha) == original
    with pytest.raises(RelnoxError, match="not in the PINS table"):
        rewrite_table(original, {"someone/else": LIGHT})
