"""Release tasks for this example: invoke bump --part minor, invoke build-all, ..."""

from relnox.invoke import (  # noqa: F401
    build_all,
    bump,
    packages,
    publish,
    rehearse,
    release,
    testpypi,
    verify_install,
)
