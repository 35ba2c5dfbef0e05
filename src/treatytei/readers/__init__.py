"""Readers: one module per source format, each turning a source into a TEI tree.

A reader is a function ``read(source, text, digest) -> Reading``: the <TEI> root and
the warnings it has about lines it could read only in part (kept as plain paragraphs).
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree


class Reading(NamedTuple):
    root: etree._Element
    warnings: list[str]


from . import wikipedia_markdown, wikisource_treaty  # noqa: E402

READERS = {
    "wikisource-treaty": wikisource_treaty.read,
    "wikipedia-markdown": wikipedia_markdown.read,
}
