"""Release sessions for this example: nox -s version_bump -- --part minor, nox -s build_all, ..."""

import relnox.nox

relnox.nox.register()
