"""Step dts (after html): the edition as a static Distributed Text
Services API, DTS 1.0 at conformance Level 0 (https://dtsapi.org/versions/v1.0/: a server
of static files, without the ``start``/``end`` ranges), in site/dts/.

A DTS client starts at ``dts/index.json`` (the entry point) and follows URI templates
(RFC 6570) whose parameters are path segments, as the specification allows a static
server:

- collection: ``collection{/id}.json`` -- the edition (no id), or one resource;
- navigation: ``navigation/{resource}{;down,ref}.json`` -- ``down`` 1 or -1 without a
  ref (the table of contents), or a ref without ``down`` (the unit itself): a static API
  answers the queries it has files for;
- document: ``document/{resource}{;ref}.xml`` -- the whole TEI file, or one citable unit
  inside ``<dts:wrapper>`` in a ``<TEI>``.

The files stand in three folders, not one per resource: on a disk, creating a file in a
folder of its own costs several times more (see benchmarks/RESULTS.md). The answers are many
small files, and their cost is the disk's: the step is a step of its own, after the pages,
and after an edit writes only the answers about the files that changed.

Every text and apparatus file is a Resource; its citable units are the sections the site
anchors (``preamble``, ``art-3``, ``sec-2``: the same identifiers), nested as their
``<div>``s are. The register is a Resource without a citation tree. The addresses are
full URLs under ``[edition] base_url`` when sources.toml gives one, else paths from the
root of the server (``/dts/…``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from lxml import etree

from .buildstate import digest
from .errors import TreatyError
from .fileio import file_sha256, swap_folder, write_cache
from .tei import NS, XML_LANG, parse_file

CONTEXT = "https://dtsapi.org/context/v1.0.json"
VERSION = "1.0"
DTS_NS = "https://w3id.org/api/dts#"
#: the sections that are citable units, as the site anchors them
UNIT_TYPES = ("preamble", "article", "section")
#: the values of down written for a query without a ref (the table of contents); a query
#: with a ref is written without down (the unit itself): the files of a static API are
#: many, and each costs its creation (see benchmarks/RESULTS.md)
DOWN_ROOT = (1, -1)
#: the edition's collection's title
TITLE = "Qing–Russian Treaty Texts: a TEI Edition"


def unit_id(div) -> str:
    """A section's identifier: its anchor on the site (tt:anchor in xslt/html/common.xsl)."""
    t, n = div.get("type"), div.get("n") or ""
    return f"art-{n}" if t == "article" else "preamble" if t == "preamble" else f"sec-{n}"


def units(root) -> list[dict]:
    """The citable units of a TEI document, in document order: identifier, level,
    parent, citeType, its head and language, and (key "el") the element."""
    out, seen = [], set()
    q = " or ".join(f"@type='{t}'" for t in UNIT_TYPES)
    for div in root.xpath(f"//tei:text/tei:body//tei:div[{q}]", namespaces=NS):
        ident = unit_id(div)
        if ident in seen or (div.get("type") != "preamble" and not div.get("n")):
            continue            # an identifier is unique in its tree; a unit without a number has none
        seen.add(ident)
        up = div.xpath(f"ancestor::tei:div[{q}][1]", namespaces=NS)
        out.append({"identifier": ident, "level": len(div.xpath(f"ancestor::tei:div[{q}]", namespaces=NS)) + 1,
                    "parent": unit_id(up[0]) if up and unit_id(up[0]) in seen else None,
                    "citeType": div.get("type"), "n": div.get("n") or "",
                    "head": " ".join(div.xpath("string(tei:head[1])", namespaces=NS).split()),
                    "lang": _lang(div), "el": div})
    return out


def describe(root) -> dict:
    """What the collection says of a TEI document (kept with the step's state, so that
    the collection is written without reading every file again): its title, language
    and citable units."""
    return _describe(root, units(root))


def _describe(root, us: list[dict]) -> dict:
    return {"title": _title(root), "lang": _text_lang(root), "units": [{k: v for k, v in u.items() if k != "el"} for u in us]}


def _title(root) -> str:
    return " ".join(root.xpath("string((//tei:titleStmt/tei:title[@type='main'] | //tei:titleStmt/tei:title)[1])",
                               namespaces=NS).split())


def _text_lang(root) -> str:
    text = root.find(f"{{{NS['tei']}}}text")
    return root.get(XML_LANG) or (_lang(text) if text is not None else "") or "zh"


def _lang(el) -> str:
    langs = el.xpath("ancestor-or-self::*[@xml:lang][1]/@xml:lang")
    return str(langs[0]) if langs else ""      # a plain string: lxml's would keep its document alive


def _cite_structure(us: list[dict], parent_type: str | None = None, depth: int = 1) -> list[dict]:
    """The citation tree's structure: the kinds of unit at each level, under each kind."""
    types = {u["identifier"]: u["citeType"] for u in us}
    kinds: list[str] = []
    for u in us:
        if u["level"] == depth and (depth == 1 or types.get(u["parent"]) == parent_type) and u["citeType"] not in kinds:
            kinds.append(u["citeType"])
    out = []
    for k in kinds:
        node = {"@type": "CiteStructure", "citeType": k}
        below = _cite_structure(us, k, depth + 1)
        if below:
            node["citeStructure"] = below
        out.append(node)
    return out


def _unit(u: dict, ui: dict | None = None) -> dict:
    """A CitableUnit; its title its head, or else (``ui``: the site's interface strings,
    publish_html.ui_catalogues) its name in English and Chinese (Article 3, 第3條)."""
    out = {"identifier": u["identifier"], "@type": "CitableUnit", "level": u["level"], "parent": u["parent"],
           "citeType": u["citeType"]}
    if u["head"]:
        out["dublinCore"] = {"title": [{"lang": u["lang"] or "zh", "value": u["head"]}]}
    elif ui and u["citeType"] in ("article", "preamble"):
        key = "place-article" if u["citeType"] == "article" else "place-preamble"
        out["dublinCore"] = {"title": [{"lang": lang, "value": ui[lang][key].replace("{1}", u.get("n", ""))}
                                       for lang in ("en", "zh")]}
    return out


class Api:
    """The addresses of one static DTS API: under ``base_url`` (the site's address), or
    from the root of the server."""

    def __init__(self, base_url: str = ""):
        self.root = (base_url + "dts/") if base_url else "/dts/"
        self.site = base_url or "/"

    def entry(self) -> dict:
        return {"@context": CONTEXT, "dtsVersion": VERSION, "@id": self.root + "index.json", "@type": "EntryPoint",
                "collection": self.root + "collection{/id}.json",
                "navigation": self.root + "navigation/{resource}{;down,ref}.json",
                "document": self.root + "document/{resource}{;ref}.xml"}

    def navigation_url(self, rid: str, down=None, ref: str | None = None) -> str:
        return f"{self.root}navigation/{navigation_name(rid, down, ref)}"

    def resource_core(self, rid: str, desc: dict) -> dict:
        """A Resource object as a Navigation answer names it: its required properties."""
        return {"@id": rid, "@type": "Resource",
                "collection": f"{self.root}collection/{rid}.json",
                "navigation": f"{self.root}navigation/{rid}{{;down,ref}}.json",
                "document": f"{self.root}document/{rid}{{;ref}}.xml",
                "citationTrees": [{"@type": "CitationTree", "citeStructure": _cite_structure(desc["units"])}]
                if desc["units"] else []}

    def resource(self, rid: str, file: str, desc: dict, top: bool = False) -> dict:
        """A Resource object as the collection gives it: the required properties and its
        title, download and Dublin Core (``top``: the answer itself, with its context)."""
        head = {"@context": CONTEXT, "dtsVersion": VERSION} if top else {}
        title = desc["title"] or rid
        return {**head, **self.resource_core(rid, desc), "title": title, "totalParents": 1, "totalChildren": 0,
                "download": f"{self.site}tei/{file}", "mediaTypes": ["application/tei+xml"],
                "dublinCore": {"title": [{"lang": desc["lang"], "value": title}], "language": [desc["lang"]],
                               "format": ["application/tei+xml"]}}


def navigation_name(rid: str, down=None, ref: str | None = None) -> str:
    """The file a navigation query is answered by (the template's expansion)."""
    return rid + (f";down={down}" if down is not None else "") + (f";ref={ref}" if ref else "") + ".json"


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    """A new file (a hard link of the current site that stands there is replaced, never
    written through: the site being assembled links the files it keeps)."""
    try:
        path.unlink()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _fragment(el) -> bytes:
    """A citable unit as the Document endpoint returns it: inside dts:wrapper in a TEI,
    with the language it has from its ancestors."""
    tei = etree.Element(f"{{{NS['tei']}}}TEI", nsmap={None: NS["tei"], "dts": DTS_NS})
    wrapper = etree.SubElement(tei, f"{{{DTS_NS}}}wrapper")
    copy = etree.fromstring(etree.tostring(el, with_tail=False))
    if copy.get(XML_LANG) is None and _lang(el):
        copy.set(XML_LANG, _lang(el))
    wrapper.append(copy)
    return etree.tostring(tei, xml_declaration=True, encoding="UTF-8") + b"\n"


def remove_resource(out: Path, rid: str) -> None:
    """The files of a resource's answers, gone (before it is written again)."""
    for folder in ("navigation", "document"):
        for f in (out / folder).glob(f"{rid};*"):
            f.unlink()


def write_resource(out: Path, api: Api, rid: str, file: str, root, data: bytes, copy: Path | None = None,
                   ui: dict | None = None) -> dict:
    """Every endpoint's answer about one resource -- its collection entry, its navigation
    and its document, whole and unit by unit -- into ``out`` (site/dts/). ``data``: the
    TEI file's bytes; ``copy``: the site's copy of it, to link instead of writing again;
    ``ui``: the interface strings that name a unit without a head. Returns what
    :func:`describe` says of it."""
    us = units(root)
    desc = _describe(root, us)
    res = api.resource_core(rid, desc)
    _write(out / "collection" / f"{rid}.json", _json(api.resource(rid, file, desc, top=True)))
    whole = out / "document" / f"{rid}.xml"
    if copy is not None:
        whole.unlink(missing_ok=True)
        whole.parent.mkdir(parents=True, exist_ok=True)
        os.link(copy, whole)
    else:
        _write(whole, data)

    def nav(down, ref=None, member=None) -> bytes:
        d = {"@context": CONTEXT, "dtsVersion": VERSION, "@type": "Navigation",
             "@id": api.navigation_url(rid, down, ref["identifier"] if ref else None), "resource": res}
        if ref:
            d["ref"] = _unit(ref, ui)
        if member is not None:
            d["member"] = [_unit(m, ui) for m in member]
        return _json(d)

    for down in DOWN_ROOT:
        _write(out / "navigation" / navigation_name(rid, down), nav(down, member=[u for u in us if down < 0 or u["level"] <= down]))
    for u in us:
        _write(out / "document" / f"{rid};ref={u['identifier']}.xml", _fragment(u["el"]))
        _write(out / "navigation" / navigation_name(rid, None, u["identifier"]), nav(None, u))
    return desc


def _put(path: Path, data: bytes) -> None:
    """Write a file whose bytes may be those it has: left as it is then."""
    if not _same_bytes(path, data):
        write_cache(path, data)


def write_index(out: Path, api: Api, title: str, resources: list[tuple[str, str, dict]]) -> None:
    """The entry point and the edition's collection (``resources``: id, file name, and
    what :func:`describe` says of it); unchanged files are left as they are."""
    _put(out / "index.json", _json(api.entry()))
    members = [api.resource(rid, file, desc) for rid, file, desc in resources]
    _put(out / "collection.json", _json(
        {"@context": CONTEXT, "dtsVersion": VERSION, "@id": "treatytei", "@type": "Collection", "title": title,
         "totalParents": 0, "totalChildren": len(members), "collection": api.root + "collection{/id}.json",
         "dublinCore": {"title": [{"lang": "en", "value": title}]}, "member": members}))


def resource_id(file: str) -> str:
    """A resource's identifier: its TEI file's name without .xml, as the site's
    addresses name it."""
    return file[: -len(".xml")] if file.endswith(".xml") else file


#: the version of the answers' shapes: a new one writes every answer again
VERSION_OF_ANSWERS = 1


def publish(project, state=None, title: str = TITLE) -> Path:
    """Write the DTS API into site/dts/ for the TEI files the site publishes (the
    site must have been built: the whole documents are links to its copies). With a
    BuildState, only the answers about files whose bytes changed are written again; a
    change of base URL, of the interface strings or of this module writes them all, into
    a new folder swapped in whole."""
    from .manifest import edition_settings
    from .publish_html import site_files, ui_catalogues

    site = Path(project.site)
    if not (site / "index.html").exists():
        raise TreatyError(site, "no site to add the DTS API to (run treatytei publish html first)")
    base_url = edition_settings(project.manifest).get("base_url", "")
    ui = ui_catalogues(project.xslt / "html")
    files = site_files(project)
    common = digest(VERSION_OF_ANSWERS, base_url, json.dumps(ui, sort_keys=True), title)
    wanted = {f: file_sha256(project.tei / f) for f in files}
    out = site / "dts"
    previous = (state.get("dts", str(out)) if state is not None else None) or {}
    old = previous.get("files", {}) if isinstance(previous, dict) else {}
    incremental = bool(old) and previous.get("common") == common and (out / "index.json").exists()
    if incremental and all(old.get(f, [None])[0] == d for f, d in wanted.items()) and set(old) == set(wanted):
        return out
    for stale in site.glob(".dts-*"):      # what a stopped step left
        shutil.rmtree(stale, ignore_errors=True)
    api = Api(base_url)
    target = out if incremental else Path(tempfile.mkdtemp(prefix=".dts-", dir=site))
    try:
        described: dict[str, dict] = {}
        for f in files:
            rid = resource_id(f)
            if incremental and old.get(f, [None])[0] == wanted[f]:
                described[f] = old[f][1]
                continue
            data = (project.tei / f).read_bytes()
            root = parse_file(project.tei / f).getroot()
            if incremental:
                remove_resource(target, rid)        # its units of before
            copy = site / "tei" / f
            described[f] = write_resource(target, api, rid, f, root, data, ui=ui,
                                          copy=copy if _same_bytes(copy, data) else None)
        for f in set(old) - set(wanted) if incremental else ():
            rid = resource_id(f)                    # a file no longer published
            remove_resource(target, rid)
            for gone in (target / "collection" / f"{rid}.json", target / "document" / f"{rid}.xml"):
                gone.unlink(missing_ok=True)
        write_index(target, api, title, [(resource_id(f), f, described[f]) for f in files])
        if not incremental:
            os.chmod(target, 0o755)
            swap_folder(target, out)
    finally:
        if not incremental and target.exists():
            shutil.rmtree(target, ignore_errors=True)
    if state is not None:
        state.put("dts", str(out), {"common": common, "files": {f: [wanted[f], described[f]] for f in files}})
    return out


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
