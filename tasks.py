"""relnox's own invoke tasks: relnox releases itself with its own tasks.

invoke packages | invoke bump --part minor | invoke build-all | invoke publish ...
"""

from __future__ import annotations

from relnox.invoke import (  # noqa: F401
    build_all,
    bump,
    check_versions,
    doctor,
    packages,
    plan,
    publish,
    release,
    tag,
    testpypi,
    verify_install,
)
