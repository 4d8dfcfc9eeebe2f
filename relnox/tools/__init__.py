"""The programs and services relnox talks to, each in one place: git, environments
(uv or pip), twine, the simple API of an index, the local index server, GitHub, and
the index settings and credentials."""
