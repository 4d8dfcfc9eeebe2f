"""PEP 508 requirements of the plainest shape, read without :mod:`packaging.requirements`.

A workspace read parses every requirement of every package to find those on the
workspace's own packages; :class:`packaging.requirements.Requirement` does it right, but
importing it (its tokenizer's and the specifiers' regular expressions) costs every
command that reads a workspace ~5 ms. Most requirements are of the plainest shape: a name,
maybe extras, maybe version clauses written in PEP 440's normalized spelling, no marker
and no URL. :func:`plain_name` reads those and gives the name; anything else (a marker, a
URL, an epoch, a local label, ``===``, a spelling PEP 440 normalizes) is ``None``, and the
caller asks packaging. Every string it reads is one packaging reads too, to the same name:
``tests/project/test_plain_requirement.py`` holds it to packaging's parser, string by
string and on generated strings.
"""

from __future__ import annotations

import re

_WS = r"[ \t]*"
#: a distribution name (PEP 508), as a pattern (relnox.project.package_load.VALID_NAME)
NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_RELEASE = r"[0-9]+(?:\.[0-9]+)*"
_SUFFIX = r"(?:(?:a|b|rc)[0-9]+)?(?:\.post[0-9]+)?(?:\.dev[0-9]+)?"
_CLAUSE = (
    rf"(?:(?:==|!=){_WS}{_RELEASE}(?:\.\*|{_SUFFIX})"  # a prefix match only after == and !=
    rf"|~={_WS}[0-9]+(?:\.[0-9]+)+{_SUFFIX}"  # ~= needs two release segments
    rf"|(?:<=|>=|<|>){_WS}{_RELEASE}{_SUFFIX})"
)
_EXTRAS = rf"\[{_WS}{NAME}(?:{_WS},{_WS}{NAME})*{_WS}\]"
#: the name and extras, and the blanks after them (the clauses are read one by one: one
#: pattern holding a clause list, bare or in parentheses, is four copies of _CLAUSE, and
#: compiling it cost every command ~1.2 ms)
_HEAD = re.compile(rf"{_WS}(?P<name>{NAME}){_WS}(?:{_EXTRAS}{_WS})?")
_ONE_CLAUSE = re.compile(_CLAUSE)


def plain_name(text: str) -> str | None:
    """The name of ``text`` when it is a requirement of the plainest shape (module doc),
    as written; ``None`` for any other string, valid or not."""
    head = _HEAD.match(text)
    if head is None:
        return None
    rest = text[head.end() :].rstrip(" \t")
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1].strip(" \t")
        if not rest:
            return None  # "name ()": parentheses hold a clause list
    if rest and not all(_ONE_CLAUSE.fullmatch(part.strip(" \t")) for part in rest.split(",")):
        return None
    return head.group("name")
