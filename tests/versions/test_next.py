"""The next version (relnox/versions/next.py): what ``--to`` must be above."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo


def test_a_release_below_the_development_version_of_the_next_line(tmp_path: Path) -> None:
    """After each release the files move to the next minor's development version
    (1.1.0.dev0); a patch of the released line (1.0.1) is made from there, below it. It is
    above the last release, so it is a release, said in a note; a released one is not."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": ""},
        tags=["v1.0.0"],
    )
    commit(root, {"pyproject.toml": project("acme", "1.1.0.dev0")}, message="Bump to 1.1.0.dev0")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    done = run_relnox("bump", "--to", "1.0.1", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["versions"] == {"acme": "1.0.1"}
    text = run_relnox("bump", "--to", "1.0.1", "--dry-run", cwd=root, check=True).stdout
    assert (
        "note: acme 1.0.1 is below 1.1.0.dev0, the development version it is at: a release "
        "of the line of v1.0.0"
    ) in text
    released = run_relnox("bump", "--to", "1.0.0", "--dry-run", cwd=root)
    assert released.returncode != 0
    assert "1.0.0" in released.stderr


def test_a_pre_release_number_the_line_released_is_stepped_over(tmp_path: Path) -> None:
    """Each pre-release is made from the release's development version (the files go back
    to 2.0.0.dev0 after each): --pre rc continues after the highest rc tagged (2.0.0rc2,
    not rc0 again); a beta after the line's rcs is still refused."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": ""},
        tags=["v1.0.0"],
    )
    for version in ("2.0.0b0", "2.0.0rc0", "2.0.0rc1"):
        commit(root, {"pyproject.toml": project("acme", version)}, f"v{version}")
        commit(root, {"pyproject.toml": project("acme", "2.0.0.dev0")}, message="Back to dev")
    done = run_relnox("bump", "--pre", "rc", "--dry-run", cwd=root, check=True)
    assert done.stdout.startswith("acme: 2.0.0.dev0 -> 2.0.0rc2\n")
    assert "note: acme 2.0.0rc1 was released already; the next rc is 2.0.0rc2" in done.stdout
    beta = run_relnox("bump", "--pre", "beta", "--dry-run", cwd=root)
    assert beta.returncode != 0
    assert "2.0.0b0 was already released" in beta.stderr


def test_pre_releases_numbered_by_their_day_are_numbered_by_today(tmp_path: Path) -> None:
    """Each beta is numbered by the day it was made (1.0.0b250301, 1.0.0b250312: YYMMDD;
    2.3.0b20251104: YYYYMMDD): --pre beta gives today's, in the same spelling, said in a
    note; not b1 nor the last number + 1. A label the package never dated (rc) counts."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0b250301"), "acme/__init__.py": ""},
        tags=["v1.0.0b250301"],
    )
    commit(root, {"pyproject.toml": project("acme", "1.0.0b250312")}, "v1.0.0b250312")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    before = date.today()
    beta = run_relnox("bump", "--pre", "beta", "--dry-run", cwd=root, check=True).stdout
    days = {f"{day:%y%m%d}" for day in (before, date.today())}
    assert any(beta.startswith(f"acme: 1.0.0b250312 -> 1.0.0b{day}\n") for day in days), beta
    assert "note: acme's pre-releases are numbered by the day they were made" in beta
    rc = run_relnox("bump", "--pre", "rc", "--dry-run", cwd=root, check=True).stdout
    assert rc.startswith("acme: 1.0.0b250312 -> 1.0.0rc1\n")
    commit(root, {"pyproject.toml": project("acme", "2.3.0b20251104")}, message="Next line")
    long = run_relnox("bump", "--part", "pre", "--dry-run", cwd=root, check=True).stdout
    days = {f"{day:%Y%m%d}" for day in (before, date.today())}
    assert any(long.startswith(f"acme: 2.3.0b20251104 -> 2.3.0b{day}\n") for day in days), long


def test_a_patch_steps_over_a_withdrawn_release_of_its_own_line(tmp_path: Path) -> None:
    """1.5.1 was tagged and published, then rolled back: the files went back to 1.5.0 to
    re-cut it under another version. --part patch cannot make 1.5.1 again (an index keeps
    it): it steps over the withdrawn release to 1.5.2, said in a note; minor is 1.6.0."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.5.0"), "acme/__init__.py": ""},
        tags=["1.5.0"],
    )
    commit(root, {"pyproject.toml": project("acme", "1.5.1")}, "1.5.1")
    commit(root, {"pyproject.toml": project("acme", "1.5.0")}, message="Roll back 1.5.1")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    patch = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert patch.startswith("acme: 1.5.0 -> 1.5.2\n")
    assert "note: acme 1.5.1 was withdrawn (tag 1.5.1); --part patch steps over it" in patch
    minor = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert minor.startswith("acme: 1.5.0 -> 1.6.0\n")


def test_a_new_pre_release_is_numbered_as_the_newest_line_numbered_its_own(
    tmp_path: Path,
) -> None:
    """Pre-releases of long ago were tagged with no number (``v0.4.2a``: a0); every line
    since starts at 1 (2.0.0b1): --pre beta after 2.0.0 gives 2.1.0b1, not b0. A line
    above HEAD's version begun at b0 and left (``v3.0.0b0``, then back to 0.4.2) is not
    the newest line the package numbered."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "0.4.2a0"), "acme/__init__.py": ""},
        tags=["v0.4.2a"],
    )
    for version in ("3.0.0b0", "0.4.2", "2.0.0b1", "2.0.0b2", "2.0.0"):
        commit(root, {"pyproject.toml": project("acme", version)}, f"v{version}")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    beta = run_relnox("bump", "--part", "minor", "--pre", "beta", "--dry-run", cwd=root, check=True)
    assert beta.stdout.startswith("acme: 2.0.0 -> 2.1.0b1\n")


def test_a_package_with_no_pre_release_tagged_numbers_as_the_others_tagged_theirs(
    tmp_path: Path,
) -> None:
    """A workspace's plugin was moved in with no tags of its own, at 2.0.0b1; the core's
    tagged pre-releases start at 1 (1.1.0b1, 1.1.0rc1): --pre rc gives the plugin 2.0.0rc1,
    numbered as the one release tool numbers them all, not rc0."""
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["core", "plugin"]\n',
            "core/pyproject.toml": project("acme-core", "1.1.0b1"),
            "core/acme_core/__init__.py": "",
            "plugin/pyproject.toml": project("acme-plugin", "2.0.0b1"),
            "plugin/acme_plugin/__init__.py": "",
        },
        tags=["acme-core-v1.1.0b1"],
    )
    for version in ("1.1.0rc1", "1.1.0"):
        commit(
            root, {"core/pyproject.toml": project("acme-core", version)}, f"acme-core-v{version}"
        )
    commit(root, {"plugin/acme_plugin/fix.py": ""}, message="Fix")
    rc = run_relnox("bump", "-p", "acme-plugin", "--pre", "rc", "--dry-run", cwd=root, check=True)
    assert rc.stdout.startswith("acme-plugin: 2.0.0b1 -> 2.0.0rc1\n")


def test_a_first_alpha_the_newest_pre_releases_never_number_is_the_road_to_the_release(
    tmp_path: Path,
) -> None:
    """After each release the files say the next one's ``a0.dev1`` (2.0.1a0.dev1). A tag of
    long ago spelled with no number (``v0.4.2a``, read a0) does not make a0 a release this
    package makes: every line since numbers its pre-releases from 1 (2.0.0b1), so --part
    patch gives 2.0.1, not the alpha 2.0.1a0."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "0.4.2a0"), "acme/__init__.py": ""},
        tags=["v0.4.2a"],
    )
    for version in ("0.4.2", "2.0.0b1", "2.0.0"):
        commit(root, {"pyproject.toml": project("acme", version)}, f"v{version}")
    commit(root, {"pyproject.toml": project("acme", "2.0.1a0.dev1")})
    patch = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert patch.stdout.startswith("acme: 2.0.1a0.dev1 -> 2.0.1\n")


def test_a_pre_release_written_ahead_is_said_before_a_part_moves_past_it(tmp_path: Path) -> None:
    """Once 2.1.0b3 is tagged the file says 2.1.0b4, the release to make: --part patch
    gives 2.1.0 and says it moves past the untagged 2.1.0b4, and how to release it."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "2.1.0b3"), "acme/__init__.py": ""},
        tags=["rel_2_1_0b2", "rel_2_1_0b3"],
    )
    commit(
        root, {"pyproject.toml": project("acme", "2.1.0b4")}, message="Version 2.1.0b4 placeholder"
    )
    done = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert done.startswith("acme: 2.1.0b4 -> 2.1.0\n")
    assert (
        "note: acme is at 2.1.0b4, which no tag released (the last release is rel_2_1_0b3): "
        "--part patch gives 2.1.0, past it"
    ) in done


def test_a_pre_release_below_a_final_made_only_on_another_branch_is_this_lines(
    tmp_path: Path,
) -> None:
    """Main tagged 4.2.0b3; the final v4.2.0 was made on a branch main never merged, and main
    went on with betas of its own line (4.2.0b4). Main's next beta is above main's releases:
    --to 4.2.0b5 and --pre beta give it, saying 4.2.0 was released elsewhere; a version
    at or below main's own last release is still refused."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "4.2.0b3")}, ["v4.2.0b3"])
    git(root, "checkout", "-q", "-b", "maintenance")
    commit(root, {"pyproject.toml": project("acme", "4.2.0")}, "v4.2.0")
    git(root, "checkout", "-q", "main")
    commit(root, {"pyproject.toml": project("acme", "4.2.0b4")}, "v4.2.0b4")
    commit(root, {"acme.txt": "work"})
    for ask in (["--to", "4.2.0b5"], ["--pre", "beta"]):
        bump = run_relnox("bump", *ask, "--dry-run", cwd=root)
        assert bump.returncode == 0, bump.stderr
        assert bump.stdout.startswith("acme: 4.2.0b4 -> 4.2.0b5\n")
        assert "v4.2.0 released elsewhere" in bump.stdout
    refused = run_relnox("bump", "--to", "4.2.0b2", "--dry-run", cwd=root)
    assert refused.returncode != 0 and "not higher than 4.2.0b4" in refused.stderr


def test_a_version_released_as_one_number_moves_by_one_whatever_the_part(
    tmp_path: Path,
) -> None:
    """Every release is one number (``54``, ``55``, ``56``): a patch or minor release of
    ``56`` is ``57``, spelled as the releases were, not ``56.0.1``."""
    files = {"pyproject.toml": project("acme", "54"), "acme/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v54"])
    for version in ("55", "56"):
        commit(root, {"pyproject.toml": project("acme", version)}, f"v{version}")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    for part in ("minor", "major", "patch"):
        done = run_relnox("bump", "--part", part, "--dry-run", cwd=root, check=True)
        assert done.stdout.startswith("acme: 56 -> 57\n"), done.stdout
    assert "note: acme is released as one number: --part patch raises it" in done.stdout
    plan = run_relnox("plan", "--part", "patch", "--json", cwd=root, check=True)
    assert "56.0.1" not in plan.stdout


def test_a_member_added_since_the_groups_release_follows_the_groups_tags(tmp_path: Path) -> None:
    """After each release the files say its ``-dev`` (0.9.11 tagged, then 0.9.11-dev, then
    0.9.12). A package added since, at the same version with no tag of its own, moves in
    lockstep: its bare history made --part patch give 0.9.11, refused as released; the
    member whose tags released the group speaks for it. Doctor called the ``-dev`` an error
    though the release before was followed by its ``-dev`` too."""
    root = repo(tmp_path / "r", {"src/acme/pyproject.toml": project("acme", "1.0.0")}, ["v1.0.0"])
    commit(root, {"src/acme/pyproject.toml": project("acme", "1.0.0-dev")})
    commit(root, {"src/acme/pyproject.toml": project("acme", "1.0.1")}, "v1.0.1")
    added = project("acme-migrate", "1.0.1-dev")
    main = project("acme", "1.0.1-dev", requires=["acme-migrate"])
    commit(root, {"src/acme/pyproject.toml": main, "src/acme-migrate/pyproject.toml": added})
    done = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert done.stdout.startswith("acme-migrate: 1.0.1-dev -> 1.0.2\nacme: 1.0.1-dev -> 1.0.2\n")
    doctor = run_relnox("doctor", cwd=root).stdout
    assert "1.0.1-dev is development after v1.0.1 (in this branch's history), as " in doctor
    assert "1.0.0-dev after v1.0.0; a --part bump starts from 1.0.1" in doctor


def test_a_patch_says_every_release_of_another_branch_it_steps_over(tmp_path: Path) -> None:
    """1.0.1 ... 1.0.3 were released from a maintenance branch while main stayed at 1.0.0:
    --part patch on main steps over all three to 1.0.4; the note named only 1.0.1."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": ""},
        tags=["1.0.0"],
    )
    git(root, "checkout", "-q", "-b", "maint")
    for version in ("1.0.1", "1.0.2", "1.0.3"):
        commit(root, {"pyproject.toml": project("acme", version)}, version)
    git(root, "checkout", "-q", "main")
    commit(root, {"acme/fix.py": ""}, message="Fix")
    patch = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert patch.startswith("acme: 1.0.0 -> 1.0.4\n"), patch
    assert (
        "note: acme 1.0.1 to 1.0.3 were already released (tags 1.0.1 to 1.0.3, on another "
        "branch); --part patch steps over them to 1.0.4\n"
    ) in patch, patch


@pytest.mark.parametrize(("first_dev", "rc"), [("1", "3.0.0rc1"), ("0", "3.0.0rc0")])
def test_a_first_pre_release_numbers_as_the_tagged_dev_releases_did(
    tmp_path: Path, first_dev: str, rc: str
) -> None:
    """No pre-release series yet, but development releases tagged (3.0.0.dev1, 3.0.0.dev2, each
    a release of its own): the first rc numbers as they did, from 1 (from 0 after a .dev0)."""
    start = int(first_dev)
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "2.9.0"), "acme/__init__.py": ""},
        tags=["2.9.0"],
    )
    for n in (start, start + 1):
        commit(root, {"pyproject.toml": project("acme", f"3.0.0.dev{n}")}, f"3.0.0.dev{n}")
    done = run_relnox("bump", "--pre", "rc", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["versions"] == {"acme": rc}


def test_a_pre_release_of_the_next_line_made_on_another_branch_is_followed_by_its_next(
    tmp_path: Path,
) -> None:
    """v1.10.0a0 was tagged on a branch main never merged; main, at 1.9.4, makes the next
    alpha of that line: --part minor --pre alpha gives 1.10.0a1, stepping over the alpha
    released elsewhere (it stepped over the whole line, to 1.11.0a0). A final released
    elsewhere is still stepped over with its part."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "1.9.4")}, ["v1.9.4"])
    git(root, "checkout", "-q", "-b", "preview")
    commit(root, {"pyproject.toml": project("acme", "1.10.0a0")}, "v1.10.0a0")
    git(root, "checkout", "-q", "main")
    commit(root, {"acme.txt": "work"})
    ask = ("bump", "--part", "minor", "--pre", "alpha", "--dry-run")
    bump = run_relnox(*ask, cwd=root, check=True).stdout
    assert bump.startswith("acme: 1.9.4 -> 1.10.0a1\n"), bump
    git(root, "checkout", "-q", "preview")
    commit(root, {"pyproject.toml": project("acme", "1.10.0")}, "v1.10.0")
    git(root, "checkout", "-q", "main")
    bump = run_relnox(*ask, cwd=root, check=True).stdout
    assert bump.startswith("acme: 1.9.4 -> 1.11.0a0\n"), bump


def test_a_label_series_the_file_held_untagged_numbers_the_next_one(tmp_path: Path) -> None:
    """Its only tagged pre-release is a beta that started at 1 (1.1.0b1); after a release its
    version file goes to the next patch's alpha, written ``1.1.1a`` (a0), never tagged, then
    the release. The next ``--pre alpha`` follows its own alpha series, which the file's
    history holds: 1.1.2a0, not a1, said in a note naming the setting for the other reading; a beta
    still follows the tagged one (1.2.0b1)."""
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "acme/__init__.py": ""},
        tags=["v1.0.0"],
    )
    for version in ("1.1.0b1", "1.1.0", "1.1.1a", "1.1.1"):
        tags = () if version.endswith("a") else (f"v{version}",)
        commit(root, {"pyproject.toml": project("acme", version)}, *tags, message=version)
    alpha = run_relnox("bump", "--part", "patch", "--pre", "alpha", "--dry-run", cwd=root)
    assert alpha.stdout.startswith("acme: 1.1.1 -> 1.1.2a0\n"), alpha.stdout + alpha.stderr
    assert (
        "note: acme's pre-release series started at 0 (1.1.1a0) and at 1 (1.1.0b1); 1.1.2a0 "
        "starts as its own a series did (1.1.1a0), and [tool.relnox] pre-release-start = 1 "
        "gives 1.1.2a1"
    ) in alpha.stdout
    beta = run_relnox("bump", "--part", "minor", "--pre", "beta", "--dry-run", cwd=root)
    assert beta.stdout.startswith("acme: 1.1.1 -> 1.2.0b1\n"), beta.stdout + beta.stderr
