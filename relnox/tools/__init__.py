"""The programs and services relnox talks to, each in one place (docs/architecture.md)."""
