"""A project page's links and meta tags (relnox/tools/simple_pages.py, html.parser)."""

from __future__ import annotations

import pytest

from relnox.tools.simple_pages import parse_html_page

SHA = "371c535439341f5d05a05e3207e8cb70cfb9741ce8cf8794ecaec70c2eef1b09"
#: an index server's page (this shape)
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


def test_a_served_page_gives_its_files_hashes_and_status() -> None:
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
def test_entities_comments_scripts_and_loose_markup_are_read_as_html(
    text: str, files: list[str]
) -> None:
    assert sorted(parse_html_page(text, "http://127.0.0.1:1/simple/x/").files) == files
