"""A project page's links read without html.parser where the page is plain markup
(relnox/tools/simple_pages.py): the same links and meta tags as html.parser's, whatever
the page; anything else goes to html.parser."""

from __future__ import annotations

import random

import pytest

from relnox.tools.simple_pages import _parsed_links, _plain_links, parse_html_page


def _standard(text: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    parsed = _parsed_links(text)
    return parsed.links, parsed.meta


SHA = "371c535439341f5d05a05e3207e8cb70cfb9741ce8cf8794ecaec70c2eef1b09"
#: an index server's page (pypiserver's shape)
SERVED = f"""<!DOCTYPE html>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="pypi:repository-version" content="1.4">
        <meta name="pypi:project-status" content="archived">
        <title>Links for demo-x</title>
    </head>
    <body>
        <h1>Links for demo-x</h1>
            <a href="/packages/demo_x-0.1.0-py3-none-any.whl#sha256={SHA}">demo_x-0.1.0-py3-none-any.whl</a><br>
            <a href='/packages/demo_x-0.1.0.tar.gz'>demo_x-0.1.0.tar.gz</a><br/>
    </body>
</html>
"""


def test_a_served_page_is_read_without_html_parser_and_as_html_parser_reads_it() -> None:
    plain = _plain_links(SERVED)
    assert plain is not None and (plain.links, plain.meta) == _standard(SERVED)
    page = parse_html_page(SERVED, "http://127.0.0.1:1/simple/demo-x/")
    assert page.files["demo_x-0.1.0-py3-none-any.whl"].sha256 == SHA
    assert page.files["demo_x-0.1.0.tar.gz"].sha256 is None and page.status == "archived"


@pytest.mark.parametrize(
    ("text", "files"),
    [
        ('<a href="x" data-requires-python="&gt;=3.8">x</a>', ["x"]),  # an entity
        ("<!-- <a href='hidden'>x</a> --><a href='y'>y</a>", ["y"]),  # a comment
        ("<script>var a = '<a href=\"s\">s</a>'</script>", []),  # a script is not markup
        ("<a href=unquoted>x</a>", ["unquoted"]),
        ("a < b <a href='x'>x</a>", ["x"]),
    ],
)
def test_a_page_with_anything_else_is_left_to_html_parser(text: str, files: list[str]) -> None:
    assert _plain_links(text) is None
    assert sorted(parse_html_page(text, "http://127.0.0.1:1/simple/x/").files) == files


def test_generated_pages_are_read_as_html_parser_reads_them() -> None:
    pieces = [
        '<a href="x.tar.gz#sha256=AB">', "</a>", "<A HREF='y.whl'>", "<br>", "<br/>", "<a/>",
        "text", " ", "\n", "<!DOCTYPE html>", '<meta name="pypi:repository-version" content="1">',
        "<meta name='x'>", "<h1>", "</h1 >", "&amp;", "<!-- c -->", "<script>", "</script>",
        "<", ">", "<a href=unq>", '<a  href = "s">', '<a href="1"title="2">', "<a href>",
        "</A>", "<b>", "é", '<a href="q" />', "<?pi?>", "<![CDATA[x]]>", "</ a>", "<a-b>",
        '<a\thref="t">', '<a href="x" data-requires-python=">=3">', "<!doctype", "<style>",
    ]  # fmt: skip
    generator = random.Random(5)
    plain = 0
    for _ in range(30000):
        text = "".join(generator.choice(pieces) for _ in range(generator.randint(0, 12)))
        found = _plain_links(text)
        if found is not None:
            plain += 1
            assert (found.links, found.meta) == _standard(text), repr(text)
    assert plain > 3000
