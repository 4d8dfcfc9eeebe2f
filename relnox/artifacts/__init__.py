"""What a dist directory holds and whether it is right: the checks of every wheel and
sdist, the build manifest, reproducible sdists, and directories built by other tools."""
