"""One Saxon processor per process (SaxonC-HE through saxonche), and compiled
stylesheets cached by path and modification time."""

from __future__ import annotations

from pathlib import Path

from .errors import TreatyError

_PROC = None
_CACHE: dict[tuple, object] = {}


def processor():
    global _PROC
    if _PROC is None:
        from saxonche import PySaxonProcessor

        _PROC = PySaxonProcessor(license=False)
    return _PROC


def compile_file(path: Path):
    path = Path(path).resolve()
    key = ("file", str(path), path.stat().st_mtime_ns)
    if key not in _CACHE:
        xslt = processor().new_xslt30_processor()
        try:
            _CACHE[key] = xslt.compile_stylesheet(stylesheet_file=str(path))
        except Exception as exc:  # saxonche raises PySaxonApiError
            raise TreatyError(path, f"XSLT does not compile: {_first_line(exc)}") from None
    return _CACHE[key]


def compile_text(text: str, base_uri: str, cache_key: str):
    key = ("text", cache_key)
    if key not in _CACHE:
        xslt = processor().new_xslt30_processor()
        try:
            _CACHE[key] = xslt.compile_stylesheet(stylesheet_text=text, base_uri=base_uri)
        except Exception as exc:
            raise TreatyError(base_uri, f"generated XSLT does not compile: {_first_line(exc)}") from None
    return _CACHE[key]


def parse(path: Path):
    """Parse a file with Saxon. Only call this on files lxml's safe parser accepted."""
    return processor().parse_xml(xml_file_name=str(Path(path).resolve()))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.split("\n")[0] if text else exc.__class__.__name__
