"""The guards as stages of ``relnox release``: the skew guard stops it before PyPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.errors import RelnoxError
from relnox.release.pipeline import ReleaseOptions, StageReport, release
from relnox.sample import git_init
from relnox.tools.index_server import LocalIndex
from tests.guards.support import CORE_WITHOUT_HELPER, publish_files, released_then_changed
from tests.shapes import git

pytestmark = pytest.mark.slow


def test_release_stops_at_the_skew_stage_before_publishing(tmp_path: Path) -> None:
    old, _new = released_then_changed(tmp_path, "skwrel", CORE_WITHOUT_HELPER)
    git_init(tmp_path / "ws")  # 1.0.0 of both was released from this repository: tagged
    for tag in ("skwrel-core-v1.0.0", "skwrel-agents-v1.0.0"):
        git(tmp_path / "ws", "tag", tag)
    publish_files(old, tmp_path / "index-data")
    before = sorted(p.name for p in (tmp_path / "index-data").iterdir())
    skip = frozenset({"doctor", "publish-test", "verify-test", "tag"})
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        options = ReleaseOptions(
            packages=("skwrel-core",), skip=skip, repository=index.upload_url, yes=True
        )
        reports: list[StageReport] = []
        with pytest.raises(RelnoxError) as info:
            release(tmp_path / "ws", options, progress=reports.append)
        message = str(info.value)
        assert message.startswith("stage skew failed:")
        assert "skwrel-agents 1.0.0 (published) with skwrel-core 2.0.0" in message
        assert "--accept-skew skwrel-agents==1.0.0" in message
        assert [r.name for r in reports][-1] == "skew"
        # nothing reached the index
        assert sorted(p.name for p in (tmp_path / "index-data").iterdir()) == before

        # accepted knowingly: the stage passes and says so
        accepted = ReleaseOptions(
            packages=("skwrel-core",),
            skip=skip,
            repository=index.upload_url,
            yes=True,
            accept_skew=("skwrel-agents==1.0.0",),
        )
        reports.clear()
        result = release(tmp_path / "ws", accepted, progress=reports.append)
    stages = {r.name: r for r in reports}
    assert stages["skew"].status == "done"
    assert "accepted: skwrel-agents==1.0.0" in stages["skew"].detail
    assert result.guards["skew"]["accepted"] == ["skwrel-agents==1.0.0"]
    assert stages["publish"].status == "done" and stages["audit"].status == "done"
    assert result.to_json()["audit"]["ok"] is True
