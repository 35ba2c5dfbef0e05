"""One Saxon processor per process (SaxonC-HE through saxonche), compiled stylesheets
cached by path and content, and the one way documents reach Saxon (``parse``)."""

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
    from .fileio import file_sha256

    path = Path(path).resolve()
    # keyed by content, as every cache of the toolkit (an included stylesheet's edit is
    # seen through the build's digest of the folder)
    key = ("file", str(path), file_sha256(path))
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


def parse(path: Path, data: bytes | None = None):
    """A document for Saxon, never parsed by Saxon from the file itself: the file's
    bytes (or ``data``) go through the toolkit's one hardened decoding (any encoding,
    no DTD, no entities), and Saxon gets the checked text."""
    from .fileio import read_bytes
    from .tei import check_ids_for_saxon, safe_xml_bytes

    raw = data if data is not None else read_bytes(path)
    text = safe_xml_bytes(raw, path).decode("utf-8")
    check_ids_for_saxon(text, path)
    try:
        builder = processor().new_document_builder()
        builder.set_base_uri(Path(path).resolve().as_uri())   # for pointers into files beside it
        return builder.parse_xml(xml_text=text)
    except Exception as exc:
        raise TreatyError(path, f"not well-formed XML: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.split("\n")[0] if text else exc.__class__.__name__
