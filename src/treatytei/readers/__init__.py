"""Readers: one module per source format, each turning a source into a TEI tree.

A reader is a function ``read(source, text) -> lxml element`` (the <TEI> root).
"""

from __future__ import annotations

from . import wikipedia_markdown, wikisource_treaty

READERS = {
    "wikisource-treaty": wikisource_treaty.read,
    "wikipedia-markdown": wikipedia_markdown.read,
}
