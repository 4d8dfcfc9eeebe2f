"""A package's versions: where they are written, how its releases are tagged, what the
build backend says and the arithmetic of the next one (docs/architecture.md)."""
