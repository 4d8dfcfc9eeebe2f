"""A single Poetry project."""

__version__ = "1.4.2"


def main() -> int:
    print("poetic", __version__)
    return 0
