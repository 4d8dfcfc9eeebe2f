import os
import sys

# ``python -m relnox`` puts the working directory first on sys.path: a repository whose own
# top-level package is named like one relnox imports would stand in for it (pip does the same)
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from relnox.cli import main

main()
