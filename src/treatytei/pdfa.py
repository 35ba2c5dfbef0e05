"""Step: check the print edition against the archival requirements that can be tested
here: PDF/A-3 level A (ISO 19005-3) and a tagged structure (ISO 32000-1, 14.7-14.8).

veraPDF, the reference validator, is a Java program that no package registry this
project installs from carries, so it cannot run in the build or in CI. This module
tests, on the file as written, the requirements the print edition could break (every
one of them was met by construction once; a change to publish_pdf that breaks one is
caught here, and the build stops):

* file structure: qpdf reads the file without a warning; a trailer /ID; no encryption;
* metadata: an uncompressed XMP stream in the catalog naming the PDF/A part and level,
  and its title, author, producer, tool and dates agreeing with the document
  information dictionary;
* colour: an output intent of subtype GTS_PDFA1 with an embedded ICC profile;
* fonts: every font program embedded, every font with a ToUnicode map (level A);
* actions: no JavaScript, no launch, no embedded-action annotations; every annotation
  printable and not hidden;
* associated files (PDF/A-3): each embedded file has a MIME type and a modification
  date, its file specification an /AFRelationship and a /UF name, and is listed in the
  catalog's /AF;
* tagging: /MarkInfo /Marked true, a structure tree, a /Lang; every page's and
  annotation's /StructParents key in the parent tree and below ParentTreeNextKey; every
  structure element's /Pg a page of the document; /DisplayDocTitle.

What it does not test (veraPDF would): the content streams operator by operator (colour
spaces of every drawing operation, transparency), the font programs' own tables
against the widths in the PDF, and the semantic checks of PDF/UA (reading order,
alternative text)."""

from __future__ import annotations

import re
from pathlib import Path

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def problems(pdf_file: Path | bytes, syntax: bool = True) -> list[str]:
    """Every requirement the PDF (a path, or the bytes of one) breaks, one line each
    (none: it passes). ``syntax``: also have qpdf read every object of the file."""
    import io

    import pikepdf
    from lxml import etree

    out: list[str] = []
    try:
        pdf = pikepdf.open(io.BytesIO(pdf_file) if isinstance(pdf_file, bytes) else pdf_file)
    except pikepdf.PdfError as exc:
        return [f"not a readable PDF: {exc}"]
    with pdf:
        if syntax:
            out += [f"qpdf: {w}" for w in pdf.check_pdf_syntax()]
        root = pdf.Root
        if pdf.is_encrypted:
            out.append("encrypted")
        if "/ID" not in pdf.trailer:
            out.append("no file identifier (/ID) in the trailer")

        # metadata
        meta = root.get("/Metadata")
        xmp = None
        if meta is None:
            out.append("no XMP metadata stream in the catalog")
        else:
            if "/Filter" in meta:
                out.append("the XMP metadata stream is compressed (it must be readable as it stands)")
            try:
                xmp = etree.fromstring(meta.read_bytes())
            except etree.XMLSyntaxError as exc:
                out.append(f"the XMP metadata is not well-formed XML: {exc}")
        if xmp is not None:
            def first(xpath):
                found = xmp.xpath(xpath, namespaces={"pdfaid": PDFAID,
                                                     "dc": "http://purl.org/dc/elements/1.1/",
                                                     "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                                                     "pdf": "http://ns.adobe.com/pdf/1.3/",
                                                     "xmp": "http://ns.adobe.com/xap/1.0/"})
                return str(found[0]).strip() if found else None
            part = first("//pdfaid:part/text() | //@pdfaid:part")
            level = first("//pdfaid:conformance/text() | //@pdfaid:conformance")
            if part != "3" or level not in ("A", "B", "U"):
                out.append(f"XMP does not identify PDF/A-3 (part {part}, conformance {level})")
            info = pdf.docinfo
            pairs = [("/Title", "//dc:title//rdf:li/text()"), ("/Author", "//dc:creator//rdf:li/text()"),
                     ("/Subject", "//dc:description//rdf:li/text()"), ("/Producer", "//pdf:Producer/text()"),
                     ("/Keywords", "//pdf:Keywords/text()"), ("/Creator", "//xmp:CreatorTool/text()")]
            for key, xpath in pairs:
                if key in info and str(info[key]) != (first(xpath) or ""):
                    out.append(f"document information {key} and its XMP counterpart differ")
            for key, xpath in (("/CreationDate", "//xmp:CreateDate/text()"), ("/ModDate", "//xmp:ModifyDate/text()")):
                if key in info and _info_date(str(info[key])) != (first(xpath) or "")[:19]:
                    out.append(f"document information {key} and its XMP date differ")

        # colour
        intents = [i for i in root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
        if not intents:
            out.append("no PDF/A output intent (GTS_PDFA1)")
        elif "/DestOutputProfile" not in intents[0]:
            out.append("the output intent has no ICC profile")

        # pages: fonts, annotations, marked content
        parent_keys = _parent_tree_keys(root)
        next_key = int(root.get("/StructTreeRoot", {}).get("/ParentTreeNextKey", 0))
        page_ids = {p.obj.objgen for p in pdf.pages}
        fonts_seen = set()
        for n, page in enumerate(pdf.pages, start=1):
            for font in _fonts(page.obj.get("/Resources", {})):
                if font.objgen in fonts_seen:
                    continue
                fonts_seen.add(font.objgen)
                name = str(font.get("/BaseFont", "?"))
                desc = font.DescendantFonts[0].get("/FontDescriptor") if "/DescendantFonts" in font \
                    else font.get("/FontDescriptor")
                if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    out.append(f"page {n}: font {name} is not embedded")
                if "/ToUnicode" not in font:
                    out.append(f"page {n}: font {name} has no ToUnicode map")
            for annot in page.obj.get("/Annots", []):
                flags = int(annot.get("/F", 0))
                if not flags & 4 or flags & 2:
                    out.append(f"page {n}: an annotation is not printable or is hidden (/F {flags})")
                action = annot.get("/A")
                if action is not None and str(action.get("/S")) in ("/JavaScript", "/Launch"):
                    out.append(f"page {n}: an annotation runs {action.get('/S')}")
                if "/StructParent" in annot and int(annot.StructParent) not in parent_keys:
                    out.append(f"page {n}: an annotation's /StructParent is not in the parent tree")
            if "/StructParents" in page.obj:
                key = int(page.obj.StructParents)
                if key not in parent_keys:
                    out.append(f"page {n}: its /StructParents {key} is not in the parent tree")
                if key >= next_key:
                    out.append(f"page {n}: its /StructParents {key} is not below ParentTreeNextKey {next_key}")
        if "/JavaScript" in root.get("/Names", {}) or "/OpenAction" in root:
            out.append("the document runs JavaScript or an open action")

        # associated files
        listed = {f.objgen for f in root.get("/AF", [])}
        for name, spec in pdf.attachments.items():
            obj = spec.obj
            if obj.objgen not in listed:
                out.append(f"attachment {name}: not listed in the catalog's /AF")
            if "/AFRelationship" not in obj:
                out.append(f"attachment {name}: no /AFRelationship")
            if "/UF" not in obj:
                out.append(f"attachment {name}: no /UF file name")
            stream = obj.get("/EF", {}).get("/F")
            if stream is None or "/Subtype" not in stream:
                out.append(f"attachment {name}: no MIME type (/Subtype)")
            elif "/ModDate" not in stream.get("/Params", {}):
                out.append(f"attachment {name}: no modification date")

        # tagging
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            out.append("not marked as tagged (/MarkInfo /Marked true)")
        tree = root.get("/StructTreeRoot")
        if tree is None:
            out.append("no structure tree")
        else:
            bad_pages = 0
            for elem in _elements(tree.get("/K")):
                pg = elem.get("/Pg")
                if pg is not None and pg.objgen not in page_ids:
                    bad_pages += 1
            if bad_pages:
                out.append(f"{bad_pages} structure element(s) point to a page that is not in the document")
        if "/Lang" not in root:
            out.append("no document language (/Lang)")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            out.append("the viewer is not told to show the title (/DisplayDocTitle)")
    return out


def _info_date(value: str) -> str:
    m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})", value)
    return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}" if m else value


def _fonts(resources, seen=None):
    """The fonts of a resource dictionary and of the forms it uses."""
    seen = set() if seen is None else seen
    for font in resources.get("/Font", {}).values():
        yield font
    for xobj in resources.get("/XObject", {}).values():
        if xobj.objgen in seen or xobj.get("/Subtype") != "/Form":
            continue
        seen.add(xobj.objgen)
        yield from _fonts(xobj.get("/Resources", {}), seen)


def _parent_tree_keys(root) -> set[int]:
    keys: set[int] = set()
    tree = root.get("/StructTreeRoot", {}).get("/ParentTree")
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        nums = node.get("/Nums", [])
        keys |= {int(nums[i]) for i in range(0, len(nums), 2)}
        stack += list(node.get("/Kids", []))
    return keys


def _elements(k):
    """Every structure element under ``k`` (iteratively: trees can be deep)."""
    import pikepdf

    stack = [k]
    seen = set()
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack += list(node)
        elif isinstance(node, pikepdf.Dictionary) and node.get("/Type", "/StructElem") == "/StructElem" \
                and "/S" in node:
            if node.is_indirect:
                if node.objgen in seen:
                    continue
                seen.add(node.objgen)
            yield node
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
