import sys

from hatchery import __version__


def main() -> int:
    print("hatchery", __version__, sys.argv[1:])
    return 0
