"""Repository names and URLs: twine's constants, [tool.relnox.repositories], ~/.pypirc, local."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from twine.utils import DEFAULT_REPOSITORY, TEST_REPOSITORY

from relnox.config import load_config
from relnox.errors import ConfigError
from relnox.tools.repositories import from_url, resolve, simple_url_for


def _host(url: str) -> str:
    return urlsplit(url).netloc


def test_pypi_and_testpypi_come_from_twine() -> None:
    pypi, test = resolve("pypi"), resolve("testpypi")
    assert pypi.upload_url == DEFAULT_REPOSITORY and test.upload_url == TEST_REPOSITORY
    assert _host(pypi.simple_url) == _host(DEFAULT_REPOSITORY).removeprefix("upload.")
    assert pypi.simple_url.endswith("/simple/") and test.simple_url.endswith("/simple/")
    assert _host(test.simple_url) == _host(TEST_REPOSITORY)
    assert (pypi.label, test.label) == ("PyPI", "TestPyPI")
    assert pypi.needs_confirmation and not test.needs_confirmation
    # PyPI asks for confirmation however it is named
    assert (
        resolve(DEFAULT_REPOSITORY).needs_confirmation
        and resolve(DEFAULT_REPOSITORY).label == "PyPI"
    )
    assert pypi.is_pypi and test.is_pypi and pypi.is_production_pypi and not test.is_production_pypi
    page = pypi.project_page("Demo_Core")
    assert page.startswith(f"https://{_host(pypi.simple_url)}/") and page.endswith("/demo-core/")


def test_urls() -> None:
    assert simple_url_for("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/simple/"
    assert simple_url_for("https://h.invalid/a/legacy/") == "https://h.invalid/a/simple/"
    repo = resolve("http://127.0.0.1:8080")
    assert (repo.upload_url, repo.simple_url) == (
        "http://127.0.0.1:8080/",
        "http://127.0.0.1:8080/simple/",
    )
    assert repo.label == repo.where == "http://127.0.0.1:8080/"
    from_simple = from_url("http://127.0.0.1:8080/simple/")
    assert from_simple.upload_url == "http://127.0.0.1:8080/"
    assert repo.project_page("Demo.Core") == "http://127.0.0.1:8080/simple/demo-core/"
    assert not repo.is_pypi and not repo.confirm


def _config(tmp_path: Path, table: dict[str, object]) -> object:
    return load_config(tmp_path / "pyproject.toml", {"repositories": table})


def test_configured_repositories(tmp_path: Path) -> None:
    config = load_config(
        tmp_path / "pyproject.toml",
        {
            "repositories": {
                "staging": "https://stage.invalid/legacy/",
                "corp": {
                    "upload": "https://u.invalid/up",
                    "simple": "https://s.invalid/simple",
                    "confirm": True,
                },
                "bad": 3,
            }
        },
    )
    staging = resolve("staging", config)
    assert (staging.name, staging.simple_url) == ("staging", "https://stage.invalid/simple/")
    corp = resolve("corp", config)
    assert (corp.upload_url, corp.simple_url, corp.confirm) == (
        "https://u.invalid/up/",
        "https://s.invalid/simple/",
        True,
    )
    assert corp.where == "corp (https://u.invalid/up/)"
    with pytest.raises(ConfigError, match=r"bad = 3 is not a repository.*upload ="):
        resolve("bad", config)
    # a configured name wins over the built-in one
    override = load_config(
        tmp_path / "pyproject.toml", {"repositories": {"testpypi": "http://127.0.0.1:9/"}}
    )
    assert resolve("testpypi", override).upload_url == "http://127.0.0.1:9/"


def test_pypirc_and_local(tmp_path: Path, hermetic: Path) -> None:
    (hermetic / ".pypirc").write_text(
        "[distutils]\nindex-servers =\n    private\n\n[private]\n"
        "repository = https://private.invalid/legacy/\nusername = me\npassword = pw\n",
        encoding="utf-8",
    )
    assert resolve("private").upload_url == "https://private.invalid/legacy/"
    with pytest.raises(ConfigError, match="RELNOX_LOCAL_INDEX"):
        resolve("local", environ={})
    local = resolve("local", environ={"RELNOX_LOCAL_INDEX": "http://127.0.0.1:4040"})
    assert (local.name, local.simple_url) == ("local", "http://127.0.0.1:4040/simple/")
    with pytest.raises(
        ConfigError, match=r"unknown repository 'nope'; use one of local, private, pypi, testpypi"
    ):
        resolve("nope")


@pytest.mark.parametrize("shape", ["latin-1", "binary", "directory", "dangling link"])
def test_a_pypirc_that_cannot_be_read_is_one_line_naming_it(hermetic: Path, shape: str) -> None:
    """Not UTF-8, not a file, a link to nowhere: an error naming the file and the fix, never
    a traceback nor "unknown repository" as if there were no file; never a line of it."""
    pypirc = hermetic / ".pypirc"
    secret = "[private]\nrepository = https://private.invalid/\nusername = me\npassword = caf"
    if shape == "latin-1":
        pypirc.write_bytes(secret.encode() + b"\xe9\n")
    elif shape == "binary":
        pypirc.write_bytes(b"\xff\xfe\x00\x01" * 64)
    elif shape == "directory":
        pypirc.mkdir()
    else:
        pypirc.symlink_to(hermetic / "gone" / "pypirc")
    with pytest.raises(ConfigError) as caught:
        resolve("private")
    message = str(caught.value)
    assert message.startswith(f"{pypirc}: ") and "\n" not in message
    assert "UTF-8" in message if shape in ("latin-1", "binary") else "cannot be read" in message
    assert "password" not in message and "caf" not in message


def test_a_pypirc_with_a_password_others_may_read_is_warned_of_once(
    hermetic: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pypirc = hermetic / ".pypirc"
    pypirc.write_text(
        "[private]\nrepository = https://private.invalid/\nusername = me\npassword = pw-1234\n",
        encoding="utf-8",
    )
    pypirc.chmod(0o600)
    resolve("private")
    assert "chmod 600" not in caplog.text
    pypirc.chmod(0o644)
    resolve("private")
    resolve("private")
    assert caplog.text.count(f"{pypirc} holds a password and other users may read it") == 1
    assert "(mode 0644); chmod 600" in caplog.text and "pw-1234" not in caplog.text


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://me:url-secret-1@127.0.0.1:abc/", "Port could not be cast"),
        ("http://me:url-secret-1@127.0.0.1:99999/", "Port out of range"),
        ("http://me:url-secret-1@[::1/", "Invalid IPv6 URL"),
        ("https://me:url-secret-1@/legacy/", "no host"),
    ],
)
def test_a_repository_url_no_client_could_use_is_one_line_without_its_secret(
    tmp_path: Path, url: str, why: str
) -> None:
    """As ``-r``, in [tool.relnox.repositories] or in ~/.pypirc: named, its userinfo masked,
    never a traceback from deep in a client."""
    config = load_config(tmp_path / "pyproject.toml", {"repositories": {"mine": {"upload": url}}})
    for given, settings in ((url, None), ("mine", config)):
        with pytest.raises(ConfigError) as caught:
            resolve(given, settings)
        message = str(caught.value)
        assert why in message and "not a usable repository URL" in message
        assert "url-secret-1" not in message and "\n" not in message
        assert message.endswith(
            "write it as https://HOST[:PORT]/PATH/ (the upload address, or the index's .../simple/)"
        )


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://me:url-secret-1@127.0.0.1/", "scheme 'ftp': an index is read over http or https"),
        ("http://me:url-secret-1@127.0.0.1:9/\nx/", "a space, line end or control character"),
        ("http://me:url-secret-1@127.0.0.1:9/a\tb/", "a space, line end or control character"),
        ("http://me:url-secret-1@127.0.0.1:9/a b/", "a space, line end or control character"),
        # -r or a variable in another encoding: Python keeps the bytes as lone surrogates
        ("http://me:url-secret-1@127.0.0.1:9/\udcff/", "bytes in it that are not UTF-8"),
    ],
)
def test_a_repository_url_of_another_scheme_or_with_a_line_end_is_refused(
    tmp_path: Path, url: str, why: str
) -> None:
    """RELNOX_LOCAL_INDEX or a configured upload address: ftp:// was taken and failed at the
    first page as 'the index links a file at an address relnox does not read'; a line end or
    tab was dropped by urlsplit where it stood (http://host/\nx/ read as http://host/x/)."""
    config = load_config(tmp_path / "pyproject.toml", {"repositories": {"mine": {"upload": url}}})
    for given, settings, environ in (
        ("mine", config, {}),
        ("local", None, {"RELNOX_LOCAL_INDEX": url}),
    ):
        with pytest.raises(ConfigError) as caught:
            resolve(given, settings, environ=environ)
        message = str(caught.value)
        assert why in message and "not a usable repository URL" in message
        assert "url-secret-1" not in message and "\n" not in message and "\t" not in message


@pytest.mark.parametrize("line", ["", "repository =\n"])
def test_a_pypirc_section_without_its_address_is_said_so(hermetic: Path, line: str) -> None:
    """-r mine with a [mine] section holding a login but no repository (or an empty one)
    was 'unknown repository 'mine'; use one of local, mine, pypi, ...', naming as a choice
    the very name refused."""
    pypirc = hermetic / ".pypirc"
    pypirc.write_text(f"[distutils]\nindex-servers = mine\n\n[mine]\n{line}username = me\n")
    with pytest.raises(ConfigError) as caught:
        resolve("mine")
    assert str(caught.value) == (
        f"{pypirc}: [mine] has no repository URL, so relnox does not know where to upload; "
        "add repository = https://HOST/PATH/ to that section (the upload address, as twine "
        "reads it)"
    )
