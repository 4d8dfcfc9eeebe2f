"""What the repository is, read-only: its packages, their versions and where each is
written, their tags, pins, lock file and changelog. Nothing here changes a file."""
