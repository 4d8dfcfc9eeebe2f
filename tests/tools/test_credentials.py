"""Which credentials publish uses, in which order, and that they never leave as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox._proc import Result
from relnox.errors import PublishError
from relnox.redact import redact
from relnox.sample import ProjectSpec, write_project
from relnox.tools.credentials import Credentials, resolve_credentials
from relnox.tools.repositories import Repository, resolve
from relnox.tools.upload import AUTH, TRUSTED, Attempt, failure_message, twine_classify
from tests.conftest import run_relnox

PRIVATE = Repository(
    "private", "https://private.invalid/legacy/", "https://private.invalid/simple/"
)
LOCAL = Repository("local", "http://127.0.0.1:9/", "http://127.0.0.1:9/simple/")
OIDC = {
    "GITHUB_ACTIONS": "true",
    "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:9/oidc",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc-request-secret-123",
}


def no_keyring(url: str, user: str | None) -> tuple[str, str] | None:
    return None


def creds(repo: Repository, env: dict[str, str]) -> Credentials:
    return resolve_credentials(repo, env, keyring=no_keyring)


def test_twine_variables_come_first() -> None:
    env = {
        "TWINE_USERNAME": "me",
        "TWINE_PASSWORD": "twine-secret-1",
        "PYPI_TOKEN": "pypi-secret-1",
    }
    found = creds(resolve("pypi"), env)
    assert (found.source, found.username, found.password) == (
        "TWINE_USERNAME/TWINE_PASSWORD",
        "me",
        "twine-secret-1",
    )
    # on PyPI the username defaults to __token__
    assert creds(resolve("pypi"), {"TWINE_PASSWORD": "twine-secret-1"}).username == "__token__"
    with pytest.raises(PublishError, match="set TWINE_USERNAME"):
        creds(PRIVATE, {"TWINE_PASSWORD": "twine-secret-1"})


def test_token_variables_belong_to_their_index() -> None:
    env = {"PYPI_TOKEN": "pypi-secret-2", "TEST_PYPI_TOKEN": "test-secret-2"}
    pypi, test = creds(resolve("pypi"), env), creds(resolve("testpypi"), env)
    assert (pypi.source, pypi.username, pypi.password) == (
        "PYPI_TOKEN",
        "__token__",
        "pypi-secret-2",
    )
    assert (test.source, test.password) == ("TEST_PYPI_TOKEN", "test-secret-2")
    with pytest.raises(PublishError, match="no credentials for uploading to private"):
        creds(PRIVATE, env)  # a PyPI token is never sent to another index


def test_pypirc_then_keyring(hermetic: Path) -> None:
    (hermetic / ".pypirc").write_text(
        "[private]\nrepository = https://private.invalid/legacy\nusername = me\npassword = rc-secret-3\n",
        encoding="utf-8",
    )
    found = creds(PRIVATE, {"HOME": str(hermetic)})
    assert (found.source, found.username, found.password) == (
        "~/.pypirc [private]",
        "me",
        "rc-secret-3",
    )
    # matched by URL too, under another name
    other = Repository(
        "other", "https://private.invalid/legacy/", "https://private.invalid/simple/"
    )
    assert creds(other, {"HOME": str(hermetic)}).source == "~/.pypirc [private]"
    (hermetic / ".pypirc").unlink()

    asked: list[tuple[str, str | None]] = []

    def keyring(url: str, user: str | None) -> tuple[str, str] | None:
        asked.append((url, user))
        return "kr-user", "kr-password"

    found = resolve_credentials(resolve("testpypi"), {"HOME": str(hermetic)}, keyring=keyring)
    assert (found.method, found.username, found.password) == ("keyring", "kr-user", None)
    assert asked == [(resolve("testpypi").upload_url, "__token__")]
    env = found.child_env({"PATH": "/bin"})
    assert (
        env["TWINE_USERNAME"] == "kr-user" and "TWINE_PASSWORD" not in env
    )  # twine asks the keyring


def test_trusted_publishing_only_on_actions_with_an_oidc_token() -> None:
    found = creds(resolve("pypi"), OIDC)
    assert (found.method, found.username, found.password) == (
        "trusted-publishing",
        "__token__",
        None,
    )
    env = found.child_env({**OIDC, "PYPI_TOKEN": "x" * 8})
    assert (
        env["ACTIONS_ID_TOKEN_REQUEST_URL"]
        and "PYPI_TOKEN" not in env
        and "TWINE_PASSWORD" not in env
    )
    # not for other indexes
    with pytest.raises(PublishError, match="no credentials"):
        creds(PRIVATE, OIDC)
    # on Actions without id-token: write the message says what is missing
    with pytest.raises(PublishError, match=r"lacks `permissions: id-token: write`") as info:
        creds(resolve("testpypi"), {"GITHUB_ACTIONS": "true"})
    message = str(info.value)
    for option in (
        "TWINE_USERNAME and TWINE_PASSWORD",
        "TEST_PYPI_TOKEN",
        "~/.pypirc",
        "keyring",
        "trusted publishing",
    ):
        assert option in message


def test_trusted_publishing_refusal_is_actionable() -> None:
    output = (
        "ERROR    TrustedPublishingFailure: The token request failed; the index server gave the "
        "following reasons:\n\n* `invalid-publisher`: valid token, but no corresponding publisher"
    )
    kind, _ = twine_classify(Result((), 1, output))
    assert kind == TRUSTED
    creds_ = creds(resolve("pypi"), OIDC)
    message = failure_message(
        Attempt(kind, 1, None, "invalid-publisher"), "a.whl", "demo", resolve("pypi"), creds_
    )
    for need in ("id-token: write", "environment", "pending publisher", "PyPI"):
        assert need in message


def test_403_names_the_variable_used() -> None:
    found = creds(resolve("testpypi"), {"TEST_PYPI_TOKEN": "test-secret-4"})
    kind, status = twine_classify(
        Result((), 1, "ERROR    HTTPError: 403 Forbidden from https://x.invalid/\n Forbidden")
    )
    assert (kind, status) == (AUTH, 403)
    message = failure_message(
        Attempt(kind, 1, status, ""), "a.whl", "demo", resolve("testpypi"), found
    )
    assert "TEST_PYPI_TOKEN" in message and "scoped to the project demo" in message
    assert "test-secret-4" not in message


@pytest.mark.parametrize("pasted", ["pypi-tok-secret-6\n", " pypi-tok-secret-6", "pypi-tok\x7f-6"])
def test_a_refused_password_with_a_line_end_or_control_character_is_hinted_at(
    pasted: str,
) -> None:
    """A secret stored with its line end (a CI secret pasted from a file) is refused by the
    index; the message says what is odd about it, never the password itself."""
    hint = "holds a control character such as a line end"
    for repository in (resolve("testpypi"), PRIVATE):
        found = creds(repository, {"TWINE_USERNAME": "me", "TWINE_PASSWORD": pasted})
        message = failure_message(Attempt(AUTH, 1, 403, ""), "a.whl", "demo", repository, found)
        assert hint in message and "tok-secret-6" not in message and "\n" not in message
        clean = creds(repository, {"TWINE_USERNAME": "me", "TWINE_PASSWORD": pasted.strip()})
        if pasted.strip() == pasted:  # a control character inside: no stripping helps
            continue
        assert hint not in failure_message(
            Attempt(AUTH, 1, 403, ""), "a.whl", "demo", repository, clean
        )


def test_loopback_index_without_authentication() -> None:
    found = creds(LOCAL, {})
    assert found.method == "anonymous" and found.basic_auth() is not None


def test_secrets_are_registered_and_kept_out_of_children(hermetic: Path) -> None:
    env = {
        "TWINE_USERNAME": "me",
        "TWINE_PASSWORD": "twine-secret-5",
        "TEST_PYPI_TOKEN": "unused-secret-5",
    }
    found = creds(PRIVATE, env)
    assert redact("a twine-secret-5 b unused-secret-5") == "a *** b ***"
    assert "twine-secret-5" not in repr(found)
    child = found.child_env({**env, "PATH": "/bin"})
    assert child["TWINE_PASSWORD"] == "twine-secret-5" and "TEST_PYPI_TOKEN" not in child
    keyring = Credentials("keyring", "keyring", "me").child_env(env)
    assert "TWINE_PASSWORD" not in keyring and "TEST_PYPI_TOKEN" not in keyring


def test_userinfo_of_a_repository_url_is_the_credentials_and_is_masked() -> None:
    repo = resolve("http://me:url-secret-77@127.0.0.1:9/")
    assert repo.upload_url == "http://127.0.0.1:9/" and "url-secret-77" not in repr(repo)
    assert repo.name == "http://127.0.0.1:9/"
    found = creds(repo, {})
    assert (found.method, found.username, found.password) == ("password", "me", "url-secret-77")
    assert found.source == "the repository URL's userinfo"
    # TWINE_PASSWORD still comes first, as in twine
    assert creds(repo, {"TWINE_USERNAME": "u", "TWINE_PASSWORD": "tw-secret-1"}).username == "u"
    assert redact("see url-secret-77 and https://x:y@host/") == "see *** and https://***@host/"


def test_a_url_password_without_a_user_name_is_refused_with_the_fix() -> None:
    with pytest.raises(PublishError, match="holds a password but no user name"):
        creds(resolve("https://:lonely-secret-9@private.invalid/legacy/"), {})


def test_pypirc_is_read_as_twine_reads_it(hermetic: Path) -> None:
    """relnox owns the ~/.pypirc reading (credentials are bound to an origin before twine
    sees them); for every section, the address, user and password are twine's own."""
    from twine.utils import get_repository_from_config

    pypirc = hermetic / ".pypirc"
    pypirc.write_text(
        "[distutils]\nindex-servers =\n    pypi\n    testpypi\n    private\n\n"
        "[pypi]\nusername = __token__\npassword = pypi-first-secret-1\n\n"
        "[testpypi]\nusername = __token__\npassword = pypi-second-secret-2\n\n"
        "[private]\nrepository = http://127.0.0.1:9/legacy/\nusername = alice\n"
        "password = private-secret-3\n",
        encoding="utf-8",
    )
    env = {"HOME": str(hermetic)}
    for name in ("pypi", "testpypi", "private"):
        theirs = get_repository_from_config(str(pypirc), name)
        repo = resolve(name, environ=env)
        ours = creds(repo, env)
        assert repo.upload_url.rstrip("/") == str(theirs["repository"]).rstrip("/"), name
        assert (ours.username, ours.password) == (theirs["username"], theirs["password"]), name
        assert ours.source == f"~/.pypirc [{name}]"


@pytest.mark.parametrize("name", ["pypi", "testpypi"])
def test_a_project_pointing_pypi_elsewhere_gets_none_of_pypis_secrets(
    hermetic: Path, name: str
) -> None:
    """``[tool.relnox.repositories] pypi = "https://elsewhere/"`` in a repository: neither the
    token variables nor ~/.pypirc's [pypi]/[testpypi] password go there; they belong to
    PyPI's and TestPyPI's addresses, not to the names."""
    from relnox.config import load_config

    (hermetic / ".pypirc").write_text(
        "[pypi]\nusername = __token__\npassword = rc-pypi-secret-9\n\n"
        "[testpypi]\nusername = __token__\npassword = rc-test-secret-9\n",
        encoding="utf-8",
    )
    config = load_config(
        hermetic / "pyproject.toml",
        {"repositories": {name: "https://elsewhere.invalid/legacy/"}},
    )
    repo = resolve(name, config, environ={"HOME": str(hermetic)})
    assert repo.upload_url == "https://elsewhere.invalid/legacy/"
    env = {"HOME": str(hermetic), "PYPI_TOKEN": "pypi-secret-9", "TEST_PYPI_TOKEN": "test-secret-9"}
    with pytest.raises(PublishError, match="no credentials for uploading to ") as info:
        creds(repo, env)
    assert "elsewhere.invalid" in str(info.value) and "PYPI_TOKEN" not in str(info.value)
    # PyPI itself, and a stand-in on this machine, still get their variables and sections
    variable = "PYPI_TOKEN" if name == "pypi" else "TEST_PYPI_TOKEN"
    assert creds(resolve(name, environ=env), env).source == variable
    local = load_config(
        hermetic / "pyproject.toml", {"repositories": {name: "http://127.0.0.1:9/"}}
    )
    assert creds(resolve(name, local, environ=env), env).source == variable
    no_token = {"HOME": str(hermetic)}
    assert creds(resolve(name, environ=no_token), no_token).source == f"~/.pypirc [{name}]"


def test_a_password_twine_cannot_encode_is_said_without_its_character() -> None:
    """twine (requests) sends credentials as latin-1: a password with a character outside it
    ends twine with an encoding error naming that character and its place in the password.
    Neither reaches relnox's output; the message names the source and the way out."""
    from collections.abc import Mapping, Sequence

    from relnox.tools.network import NetworkSettings
    from relnox.tools.upload import Twine, Upload

    found = creds(PRIVATE, {"TWINE_USERNAME": "me", "TWINE_PASSWORD": "tok\u20acpart-7"})
    said = (
        "Traceback (most recent call last):\n"
        '  File "requests/auth.py", line 65, in _basic_auth_str\n'
        "UnicodeEncodeError: 'latin-1' codec can't encode character '\\u20ac' in position 3: "
        "ordinal not in range(256)\n"
    )

    def run(argv: Sequence[str], env: Mapping[str, str]) -> Result:
        return Result(tuple(argv), 1, said)

    attempt = Twine().upload(Upload([Path("a.whl")], PRIVATE, found, {}, run, NetworkSettings()))
    shown = attempt.output + attempt.detail
    assert "20ac" not in shown and "position 3" not in shown
    message = failure_message(attempt, "a.whl", "demo", PRIVATE, found)
    assert message.startswith("twine could not send a.whl to private: it sends the user name")
    assert 'transport = "uv"' in message and "TWINE_USERNAME/TWINE_PASSWORD" in message
    assert "20ac" not in message and "\u20ac" not in message


@pytest.mark.parametrize(
    "env",
    [
        {"TWINE_USERNAME": "me", "TWINE_PASSWORD": "secret-\udcff"},
        {"TWINE_USERNAME": "m\udce9", "TWINE_PASSWORD": "secret-1"},
        {"PYPI_TOKEN": "pypi-\udcff-token"},
    ],
)
def test_a_login_that_is_not_utf8_is_refused_naming_its_source(env: dict[str, str]) -> None:
    from relnox.tools.credentials import read_login

    repo = resolve("pypi") if "PYPI_TOKEN" in env else PRIVATE
    with pytest.raises(PublishError, match=r"from (TWINE_USERNAME/TWINE_PASSWORD|PYPI_TOKEN) "):
        creds(repo, env)
    if repo is PRIVATE:  # reading the index with that login fails the same
        with pytest.raises(PublishError, match="not UTF-8"):
            read_login(repo, env, keyring=None)


def test_a_user_name_holding_a_colon_is_refused() -> None:
    """TWINE_USERNAME=user:password (both in one variable): Basic auth splits at the first
    ':', so the index got the user 'user' and a password that is not the one given, and
    answered 403 for a token that was never wrong."""
    env = {"TWINE_USERNAME": "me:secret-in-the-name", "TWINE_PASSWORD": "twine-secret-1"}
    with pytest.raises(PublishError) as caught:
        creds(PRIVATE, env)
    assert str(caught.value).startswith(
        "the user name from TWINE_USERNAME/TWINE_PASSWORD holds a ':'"
    )
    assert "secret-in-the-name" not in str(caught.value)


def test_an_index_given_by_url_is_told_a_login_it_can_use(hermetic: Path, tmp_path: Path) -> None:
    """``--repository URL`` names no ~/.pypirc section: the message names none of the form
    ``[https://...]``, but the section by its ``repository =``, which is then found (the real
    command's message; the advice followed)."""
    url = "https://packages.invalid/upload/"
    root = write_project(tmp_path / "p", ProjectSpec("url-pkg", "0.1.0"))
    done = run_relnox("publish", "--repository", url, cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"relnox: error: no credentials for uploading to {url}; give one of: TWINE_USERNAME "
        f"and TWINE_PASSWORD; a ~/.pypirc section (any name) with repository = {url}, "
        f"username and password; a keyring entry (keyring set {url} USERNAME)"
    )
    (hermetic / ".pypirc").write_text(
        f"[mine]\nrepository = {url}\nusername = me\npassword = rc-url-secret-4\n",
        encoding="utf-8",
    )
    found = creds(resolve(url), {"HOME": str(hermetic)})
    assert (found.source, found.username) == ("~/.pypirc [mine]", "me")


def test_an_index_on_this_machine_refusing_no_login_names_the_section_by_url() -> None:
    """The anonymous upload to a local index by URL that answers 403: the same advice."""
    repository = resolve(LOCAL.upload_url)
    anonymous = Credentials("none (an index on this machine)", "anonymous", "relnox", "anonymous")
    message = failure_message(Attempt(AUTH, 1, 403, ""), "a.whl", "demo", repository, anonymous)
    assert "[http" not in message and f"repository = {LOCAL.upload_url}" in message
