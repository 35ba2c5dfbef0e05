"""Step: package. The edition as a BagIt bag for archive deposit (dist/treatytei-bag/)
and its zip (dist/treatytei-bag.zip).

Payload: the TEI files and the register; the schema (RELAX NG, compact source,
Schematron, documentation, TEI P5 tei_all); a Dublin Core record per TEI file, derived
from its header; the print edition; and, on request, the built site (a derived product,
and three trees of pages: large for a large edition). bag-info.txt is
filled from the TEI headers; manifests in SHA-256 and SHA-512. Packaging refuses TEI
that does not validate or whose header lacks what an archive needs (licence, source,
responsibility statements, revision history). The zip is reproducible: entries sorted,
fixed timestamps and permissions.
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lxml import etree

from . import __version__
from .errors import TreatyError
from .fileio import write_atomic, write_cache
from .header import EDITION_DATE
from .parallel import workers
from .tei import NS, XML_ID, XML_LANG, parse_file, q

BAG_NAME = "treatytei-bag"
DC = "http://purl.org/dc/elements/1.1/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"


def _header(root):
    """The teiHeader of a parsed TEI root (the root itself if it has none): what the
    archive's records are made from, searched without walking the whole text."""
    header = root.find(q("teiHeader"))
    return header if header is not None else root


def header_problems(root) -> list[str]:
    """What an archive needs from a TEI header (a parsed TEI root) and this one lacks."""
    header = _header(root)
    missing = []
    checks = [
        ("a licence (publicationStmt/availability/licence)", "//tei:publicationStmt/tei:availability/tei:licence[normalize-space()]"),
        ("its source (sourceDesc with a bibl, listWit or p)", "//tei:sourceDesc/*[self::tei:bibl or self::tei:listWit or self::tei:p][normalize-space()]"),
        ("a responsibility statement (titleStmt/respStmt with resp and name)", "//tei:titleStmt/tei:respStmt[tei:resp[normalize-space()] and tei:name[normalize-space()]]"),
        ("a revision history (revisionDesc/change)", "//tei:revisionDesc/tei:change"),
        ("a title (titleStmt/title)", "//tei:titleStmt/tei:title[normalize-space()]"),
    ]
    for what, xp in checks:
        if not header.xpath("." + xp, namespaces=NS):
            missing.append(what)
    return missing


def dublin_core(root) -> bytes:
    """An oai_dc record from a TEI header (a parsed TEI root)."""

    header = _header(root)

    def xp(q):
        return [" ".join("".join(e.itertext()).split()) if isinstance(e, etree._Element) else str(e)
                for e in header.xpath("." + q, namespaces=NS)]
    nsmap = {"oai_dc": OAI_DC, "dc": DC, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    rec = etree.Element(f"{{{OAI_DC}}}dc", nsmap=nsmap)
    rec.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
            f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(name, values):
        for v in values:
            if v and v.strip():
                etree.SubElement(rec, f"{{{DC}}}{name}").text = v.strip()
    add("title", xp("//tei:titleStmt/tei:title"))
    add("creator", xp("//tei:particDesc//tei:orgName"))
    add("contributor", [f"{r} ({n})" for r, n in zip(xp("//tei:titleStmt/tei:respStmt/tei:name"),
                                                        xp("//tei:titleStmt/tei:respStmt/tei:resp"))])
    add("publisher", xp("//tei:publicationStmt/tei:publisher"))
    add("date", xp("//tei:publicationStmt/tei:date/@when"))
    add("coverage", xp("//tei:sourceDesc//tei:date/@when") + xp("//tei:profileDesc/tei:creation/tei:date/@when"))
    add("type", ["Text"])
    add("format", ["application/tei+xml"])
    add("identifier", [root.get(XML_ID)] + xp("//tei:publicationStmt/tei:idno"))
    add("source", xp("//tei:sourceDesc//tei:ref/@target") + xp("//tei:listWit/tei:witness/@corresp"))
    add("language", [root.get(XML_LANG)])
    add("rights", xp("//tei:publicationStmt/tei:availability/tei:licence") + xp("//tei:sourceDesc//tei:availability/tei:licence"))
    add("description", xp("//tei:sourceDesc//tei:extent") + xp("//tei:notesStmt/tei:note[@type='manifest']")
        + xp("//tei:sourceDesc/tei:p"))
    add("subject", xp("//tei:textClass/tei:keywords/tei:term"))
    return etree.tostring(rec, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def bag_info(infos, print_format: str | None = None) -> dict[str, str]:
    """bag-info.txt from the TEI headers (each file's _describe); ``print_format``, when
    the print edition is in the bag, says which PDF/A part and level it is."""
    titles, publishers, licences, contacts = [], [], [], []
    for info in infos:
        titles += info["titles"]
        publishers += info["publishers"]
        licences += info["licences"]
        contacts += info["contacts"]

    def uniq(xs):
        return list(dict.fromkeys(x.strip() for x in xs if x and x.strip()))
    return {
        "Source-Organization": "; ".join(uniq(publishers)),
        "Contact-Name": "; ".join(c for c in uniq(contacts) if "toolkit" not in c) or "; ".join(uniq(contacts)),
        "External-Identifier": f"treatytei-edition-{EDITION_DATE}",
        "External-Description": ("TEI P5 edition of Qing-Russian treaty texts: " + "; ".join(uniq(titles))
                                 + ". With the critical apparatus of the 1727 witnesses, the register of persons, "
                                   "places and organisations, the project's schema, and Dublin Core records."),
        "Bagging-Date": EDITION_DATE,
        "Bag-Group-Identifier": "treatytei",
        "Title": "Qing-Russian treaty texts: a TEI edition",
        "Licence": " | ".join(uniq(licences)),
        "Bag-Software-Agent": f"treatytei {__version__}",
    } | ({"Print-Edition-Format": print_format} if print_format else {})


def pdf_format(data: bytes) -> str | None:
    """What the print edition says it is, from its XMP metadata: e.g. "PDF/A-3A
    (ISO 19005-3), tagged, with 6 TEI files attached"; None for a PDF that does not
    identify itself as PDF/A."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
        if not part:
            return None
        tagged = bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False))
        n = len(pdf.attachments)
    return (f"PDF/A-{part}{(level or '').lower()} (ISO 19005-{part})" + (", tagged" if tagged else "")
            + (f", with {n} TEI file{'s' if n != 1 else ''} attached (AFRelationship Source)" if n else ""))


def _describe(path: str) -> dict:
    """What packaging needs from one TEI file (a worker's job, once per change of the
    file): what its header lacks, its Dublin Core record, its part of bag-info.txt."""
    root = parse_file(Path(path)).getroot()
    header = _header(root)

    def texts(q, joined=False):
        return [" ".join("".join(t.itertext()).split()) if joined else t.text
                for t in header.xpath("." + q, namespaces=NS) if joined or t.text]
    return {"problems": header_problems(root), "dc": dublin_core(root).decode("utf-8"),
            "titles": texts("//tei:titleStmt/tei:title[@type='main']"),
            "publishers": texts("//tei:publicationStmt/tei:publisher"),
            "licences": texts("//tei:publicationStmt/tei:availability/tei:licence", joined=True),
            "contacts": texts("//tei:titleStmt/tei:respStmt/tei:name")}


def _described(project, tei_files: list[Path]) -> dict[Path, dict]:
    """_describe of every file, from build/package/ for files whose bytes did not change."""
    import json

    from contextlib import closing

    from .fileio import file_sha256
    from .parallel import imap

    cache = project.root / "build" / "package"
    out, todo = {}, []
    for p in tei_files:
        d = file_sha256(p)
        try:
            info = json.loads((cache / f"{p.name}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            info = None
        if info and info.get("digest") == d:
            out[p] = info
        else:
            todo.append((p, d))
    with closing(imap(_describe, [str(p) for p, _ in todo], "describe")) as described:
        for (p, d), info in zip(todo, described):   # kept while the workers describe the next
            info["digest"] = d
            write_cache(cache / f"{p.name}.json", json.dumps(info, ensure_ascii=False, sort_keys=True).encode("utf-8"))
            out[p] = info
    return out


def package(project, include_site: bool = False, include_pdf: bool = True, state=None) -> tuple[Path, Path]:
    from .buildstate import digest, tree_digest
    from .validate import validate

    tei_files = project.tei_files()
    final, zip_path = project.dist / BAG_NAME, project.dist / f"{BAG_NAME}.zip"
    key = digest(tree_digest(project.tei, pattern="*.xml"), tree_digest(project.schema), include_site, include_pdf,
                 project.dist / "treatytei-edition.pdf" if include_pdf else "",
                 tree_digest(project.site) if include_site else "")
    if state is not None and state.get("package", str(zip_path)) == key and zip_path.exists() and final.exists():
        return final, zip_path
    if not tei_files:
        raise TreatyError(project.tei, "no TEI files to package")
    infos = _described(project, tei_files)
    for p in tei_files:
        if infos[p]["problems"]:
            raise TreatyError(p.relative_to(project.root), "refusing to package: the header lacks " + ", ".join(infos[p]["problems"]))

    problems = [p for p in validate(tei_files, project.schema / "treatytei.rng", project.schema / "treatytei.sch",
                                    project.root, state=state) if p.severity == "error"]
    if problems:
        first = problems[0]
        raise TreatyError(first.file, f"refusing to package TEI that does not validate ({len(problems)} error(s); "
                          f"first at line {first.line}: [{first.rule}] {first.message})")

    # the payload: path in data/ -> bytes
    payload: dict[str, bytes] = {}
    for p in tei_files:
        payload[f"tei/{p.name}"] = p.read_bytes()
        payload[f"metadata/{p.stem}.dc.xml"] = infos[p]["dc"].encode("utf-8")
    from .fileio import tree_inside
    tree_inside(project.root, project.schema, "schema file")
    if include_site:
        tree_inside(project.root, project.site, "site file")
    for rel in ("treatytei.rng", "treatytei.rnc", "treatytei.sch", "README.md", "tei-p5/tei_all.rng", "tei-p5/README.md"):
        if (project.schema / rel).exists():
            payload[f"schema/{rel}"] = (project.schema / rel).read_bytes()
    pdf = project.dist / "treatytei-edition.pdf"
    if include_pdf and pdf.exists():
        payload[f"print/{pdf.name}"] = pdf.read_bytes()
    if include_site and (project.site / "index.html").exists():
        for f in sorted(project.site.rglob("*")):
            if f.is_file():
                payload[f"site/{f.relative_to(project.site).as_posix()}"] = f.read_bytes()

    dist = project.dist
    dist.mkdir(parents=True, exist_ok=True)
    printed = payload.get(f"print/{pdf.name}")
    files = bag_files(payload, bag_info((infos[p] for p in tei_files), pdf_format(printed) if printed else None))
    staging = Path(tempfile.mkdtemp(prefix=".bag-", dir=dist))
    # the zip is made while the bag is written (both wait on zlib or the disk, not the GIL)
    with ThreadPoolExecutor(max_workers=1) as side:
        zipped = side.submit(reproducible_zip, files, BAG_NAME, project.root / "build" / "package" / "zip")
        try:
            write_bag(staging, files, previous=final)
            old = dist / f".{BAG_NAME}-old"
            shutil.rmtree(old, ignore_errors=True)
            if final.exists():
                final.rename(old)
            staging.rename(final)
            final.chmod(0o755)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
            zipped.exception()   # the zip's own error, if any, is raised below
        write_atomic(zip_path, zipped.result())
    if state is not None:
        state.put("package", str(zip_path), key)
    return final, zip_path


def bag_files(payload: dict[str, bytes], info: dict[str, str]) -> dict[str, bytes]:
    """Every file of a BagIt 0.97 bag (as bagit.py writes one; bagit.py's validator
    checks it in the tests and in verify-bag), by its path in the bag: the payload under
    data/, manifests and tag manifests in SHA-256 and SHA-512, bag-info.txt with the
    Payload-Oxum."""
    import hashlib

    files: dict[str, bytes] = {f"data/{k}": v for k, v in sorted(payload.items())}
    sums = {algo: {path: hashlib.new(algo, data).hexdigest() for path, data in files.items()} for algo in ("sha256", "sha512")}
    for algo in ("sha256", "sha512"):
        files[f"manifest-{algo}.txt"] = "".join(f"{sums[algo][path]}  {_bag_name(path)}\n" for path in sorted(sums[algo])).encode("utf-8")
    info = dict(info, **{"Payload-Oxum": f"{sum(len(v) for v in payload.values())}.{len(payload)}"})
    files["bagit.txt"] = b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"
    files["bag-info.txt"] = "".join(f"{k}: {' '.join(str(v).splitlines())}\n" for k, v in sorted(info.items())).encode("utf-8")
    tags = sorted(k for k in files if not k.startswith("data/"))
    for algo in ("sha256", "sha512"):
        files[f"tagmanifest-{algo}.txt"] = "".join(
            f"{hashlib.new(algo, files[t]).hexdigest()} {t}\n" for t in tags).encode("utf-8")
    return files


def _bag_name(path: str) -> str:
    """A file name as bagit.py encodes it in manifests."""
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def write_bag(folder: Path, files: dict[str, bytes], previous: Path | None = None) -> None:
    """The bag's files (:func:`bag_files`) written into ``folder``. Files that are
    unchanged in the ``previous`` bag (by its SHA-256 manifest) are hard-linked from it,
    not written again."""
    import os

    def sums(manifest: str) -> dict[str, str]:
        return dict(reversed(line.split("  ", 1)) for line in manifest.splitlines() if "  " in line)

    unchanged: set[str] = set()
    if previous is not None and (previous / "manifest-sha256.txt").exists():
        old = sums((previous / "manifest-sha256.txt").read_text(encoding="utf-8"))
        new = sums(files["manifest-sha256.txt"].decode("utf-8"))
        unchanged = {path for path in files if path.startswith("data/")
                     and old.get(_bag_name(path)) == new[_bag_name(path)]}

    for parent in sorted({(folder / path).parent for path in files}):
        parent.mkdir(parents=True, exist_ok=True)
    to_write = []
    for path, data in files.items():
        if path in unchanged:
            try:   # linked only if its bytes on disk are still those of the manifest
                if (previous / path).read_bytes() == data:
                    os.link(previous / path, folder / path)
                    continue
            except OSError:   # no hard links here, or the file went missing: write it
                pass
        to_write.append(path)
    # links are made here, one after another (a thread per link would cost more than
    # the link); the files to write go to threads (writes wait on the disk, not the GIL).
    # The whole folder is swapped into place when complete.
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        list(pool.map(lambda path: (folder / path).write_bytes(files[path]), to_write))


def reproducible_zip(files: dict[str, bytes], top: str, cache: Path | None = None) -> bytes:
    """Same files -> same bytes: sorted entries, a fixed timestamp (the edition's
    date), fixed permissions, no extra fields. ``files``: bytes by path in the bag.
    Written here rather than with zipfile so that each member's deflated bytes can be
    kept in ``cache`` (a folder; by the SHA-256 of the member) and reused by the next
    build."""
    import hashlib
    import struct
    import zlib

    y, m, d = (int(x) for x in EDITION_DATE.split("-"))
    dos_time, dos_date = 0, ((y - 1980) << 9) | (m << 5) | d

    def pack(key: str) -> bytes:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(by_key[key]) + c.flush()

    paths = sorted(files)
    keys = {path: hashlib.sha256(files[path]).hexdigest() for path in paths}
    by_key = {keys[path]: files[path] for path in paths}   # each distinct content once
    kept = _packed_load(cache) if cache is not None else {}
    todo = [k for k in by_key if k not in kept]
    # the members not kept deflated on every core (zlib releases the GIL), put in the
    # zip in sorted order
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        packed_by_key = dict(zip(todo, pool.map(pack, todo)))
    packed_by_key.update((k, kept[k]) for k in by_key if k in kept)
    if cache is not None and (todo or len(kept) != len(by_key)):
        _packed_save(cache, {k: packed_by_key[k] for k in by_key})
    out, central, offset = [], [], 0
    for path in paths:
        packed = packed_by_key[keys[path]]
        data = files[path]
        raw_name = f"{top}/{path}".encode()
        crc, size, csize = zlib.crc32(data), len(data), len(packed)
        if max(size, csize, offset) >= 0xFFFFFFFF:
            raise TreatyError(path, "too large for a zip without ZIP64 (over 4 GiB)")
        flags = 0x0800 if not raw_name.isascii() else 0
        out.append(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, dos_time, dos_date, crc, csize, size,
                               len(raw_name), 0) + raw_name)
        out.append(packed)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, flags, 8, dos_time, dos_date,
                                   crc, csize, size, len(raw_name), 0, 0, 0, 0, 0o100644 << 16, offset) + raw_name)
        offset += 30 + len(raw_name) + csize
    cd = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), offset, 0)
    return b"".join(out) + cd + end


#: the deflated members of the last zip, in two files of the cache folder: their bytes
#: one after another, and an index (key -> offset and length, and the SHA-256 of the
#: bytes file, so that a torn or altered one is not used). Two files, not one per member:
#: a file made costs more here than deflating a small one.
_PACKED, _PACKED_INDEX = "members.bin", "members.json"


def _packed_load(cache: Path) -> dict[str, bytes]:
    """The deflated members kept in ``cache`` by key; empty if there are none or the
    files do not agree."""
    import hashlib
    import json

    try:
        index = json.loads((cache / _PACKED_INDEX).read_text(encoding="utf-8"))
        blob = (cache / _PACKED).read_bytes()
        if index.get("sha256") != hashlib.sha256(blob).hexdigest():
            return {}
        return {k: blob[o:o + n] for k, (o, n) in index["members"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _packed_save(cache: Path, packed: dict[str, bytes]) -> None:
    import hashlib
    import json

    members, offset = {}, 0
    for k, data in packed.items():
        members[k] = [offset, len(data)]
        offset += len(data)
    blob = b"".join(packed.values())
    index = {"sha256": hashlib.sha256(blob).hexdigest(), "members": members}
    # the member files of the cache's former layout (one per member) go
    if cache.exists():
        for f in cache.iterdir():
            if f.name not in (_PACKED, _PACKED_INDEX) and f.is_file():
                f.unlink()
    write_cache(cache / _PACKED, blob)
    write_cache(cache / _PACKED_INDEX, json.dumps(index, sort_keys=True).encode("utf-8"))


def verify(bag_dir: Path) -> list[str]:
    """Problems bagit's own validator finds in a bag (empty: the bag is complete and
    every file matches its checksums)."""
    import bagit

    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        return [str(exc)]
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [str(d) for d in getattr(exc, "details", [])]
        # bagit stops at the payload count when a file is missing or added: name them
        listed = set(bag.payload_entries())
        present = {str(p.relative_to(bag_dir).as_posix()) for p in (Path(bag_dir) / "data").rglob("*") if p.is_file()}
        details += [f"{f} is listed in the manifests but missing" for f in sorted(listed - present)]
        details += [f"{f} is in the bag but in no manifest" for f in sorted(present - listed)]
        return details or [str(exc)]
    return []
