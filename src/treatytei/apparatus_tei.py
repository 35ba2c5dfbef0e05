"""Collation, part 4: writing the apparatus as TEI (parallel segmentation).

Common text is given in the normal form (simplified, OpenCC character by character),
each witness's own characters kept in <choice><reg/><orig source="#X"/></choice> where
they differ, so that every witness reads back exactly; a reading of one witness is
written as it stands. Lacunae are apps of their own (<witStart/>, <lacunaStart/>,
<lacunaEnd/>, Guidelines 12.1.5); app ids come from their section and content.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from . import __version__
from .alignment import Column
from .chinese import normalise
from .collation_tokens import Tok
from .header import EDITION_DATE, publication_stmt
from .manifest import Source
from .tei import XML_ID, XML_LANG, E, append, iri, local
from .tei import q as qname
from .variants import classify, nest, readings, segments, without_silent_punctuation

LANG = {"Hans": "zh-Hans", "Hant": "zh-Hant"}


def render_common(cells: dict[str, list[Tok]], base: str, lang: dict[str, str]) -> list:
    """Tokens that agree up to script: the normal form, each witness's own
    characters kept where they differ (<choice><reg/><orig source/></choice>)."""
    out: list = []
    wits = list(cells)
    n = len(cells[base])
    k = 0
    while k < n:
        btok = cells[base][k]
        if btok.el is not None:
            el = copy.deepcopy(btok.el)
            for child in list(el):
                el.remove(child)
            el.text = None
            texts = {w: cells[w][k].text for w in wits}
            _fill_choice(el, texts, lang)
            out.append(el)
            k += 1
            continue
        # a run of plain characters
        run_end = k
        while run_end < n and cells[base][run_end].el is None:
            run_end += 1
        texts = {w: "".join(t.text for t in cells[w][k:run_end]) for w in wits}
        holder = E("seg")
        _fill_choice(holder, texts, lang)
        out.extend(_children(holder))
        k = run_end
    return out


def _children(el) -> list:
    out: list = []
    if el.text:
        out.append(el.text)
    for c in el:
        tail = c.tail
        c.tail = None
        out.append(c)
        if tail:
            out.append(tail)
    return out


def _fill_choice(el, texts: dict[str, str], lang: dict[str, str]) -> None:
    """Write the normal form of equal-length texts into el; where a witness's own
    characters differ, a <choice> with its <orig>."""
    any_text = next(iter(texts.values()))
    normal = normalise(any_text)
    n = len(normal)
    # where any witness's characters differ from the normal form (mostly nowhere)
    differs = [False] * n
    for t in texts.values():
        if t != normal:
            for k, (x, y) in enumerate(zip(t, normal)):
                if x != y:
                    differs[k] = True
    i = 0
    parts: list = []
    while i < n:
        d = differs[i]
        j = i + 1
        while j < n and differs[j] == d:
            j += 1
        if not d:
            parts.append(normal[i:j])
        else:
            choice = E("choice", E("reg", normal[i:j]))
            for w, t in texts.items():
                if t[i:j] != normal[i:j]:
                    choice.append(E("orig", t[i:j], source=f"#{w}", xml_lang=lang[w]))
            parts.append(choice)
        i = j
    from .tei import append
    append(el, *parts)


def render_segment(seg, order: list[str], unpunct: frozenset, lang: dict[str, str]) -> list:
    """One segment of aligned columns as TEI: common text, or an <app> with a reading for
    each group of witnesses that read alike; a reading that a further witness shares but
    for some words holds those words' variants as <app>s of its own (see variants.nest)."""
    pres = [w for w in order if seg.columns[0].cells.get(w) is not None]
    if seg.common:
        cells = {w: [t for col in seg.columns for t in col.cells[w]] for w in pres}
        return render_common(cells, pres[0], lang)
    groups = readings(seg, order)
    if seg.level == "unpunct":
        typ, sub = "punctuation", None
    else:
        kinds = without_silent_punctuation(groups, unpunct)
        typ, sub = ("substantive", seg.forced) if seg.forced else classify(kinds, pres[0])
    app = E("app", type_=typ, subtype=sub)
    for cluster in nest(seg, groups, order):
        ws = [w for w in order if any(w in g[0] for g in cluster)]
        toks = cluster[0][1]
        if len(cluster) > 1:
            # witnesses that share most of this reading: what they share once, where they
            # differ a variant inside it
            inner = [Column({w: col.cells.get(w) for w in ws}) for col in seg.columns]
            content = []
            for sub_seg in segments(inner, unpunct, ws):
                content.extend(render_segment(sub_seg, ws, unpunct, lang))
        elif len(ws) > 1:
            # one reading of several witnesses: the normal form, each witness's own
            # characters kept, so that every witness reads back exactly
            cells = {w: [t for col in seg.columns for t in (col.cells.get(w) or [])] for w in ws}
            content = render_common(cells, ws[0], lang)
        else:
            content = render_reading(toks)
        # an unpunctuated witness says nothing about punctuation: missing data
        silent = typ == "punctuation" and not toks and len(cluster) == 1 and all(w in unpunct for w in ws)
        rdg = E("rdg", wit=" ".join(f"#{w}" for w in ws), type_="silent" if silent else None)
        for piece in content:
            append(rdg, piece)
        if len(ws) == 1 and lang[ws[0]] != "zh-Hans":
            rdg.set(XML_LANG, lang[ws[0]])
        app.append(rdg)
    return [app]


def render_reading(toks: list[Tok]) -> list:
    out: list = []
    for t in toks:
        if t.el is not None:
            out.append(copy.deepcopy(t.el))
        elif out and isinstance(out[-1], str):
            out[-1] += t.text
        else:
            out.append(t.text)
    return out


def stable_app_ids(body, prefix: str) -> None:
    """Each variant's xml:id comes from where it stands (its section) and what it says
    (its kind and readings), not from a running count: a link to a variant survives an
    edit anywhere else. The same readings twice in a section are told apart by order."""
    import hashlib

    for div in body.iterfind(qname("div")):
        name = div.get(XML_ID, "").rsplit("-", 1)[-1]
        seen: dict[str, int] = {}
        for app in div.iter(qname("app")):
            content = "|".join([app.get("type", ""), app.get("subtype", "")] + [
                f"{r.get('wit')}={''.join(r.itertext())}"
                + "".join(f"<{local(m)}>" for m in r.iter() if local(m) in ("lacunaStart", "lacunaEnd"))
                for r in app.iterfind(qname("rdg"))])
            h = hashlib.sha1(content.encode("utf-8")).hexdigest()[:8]
            seen[h] = seen.get(h, 0) + 1
            app_id = f"{prefix}-{name}-{h}" + (f"-{seen[h]}" if seen[h] > 1 else "")
            app.set(XML_ID, app_id)
            # each reading its own id: tools that tell readings apart by id or text
            # (teiphy) would otherwise take two readings whose words are all markup for one
            for k, rdg in enumerate(app.iterfind(qname("rdg")), 1):
                rdg.set(XML_ID, f"{app_id}-r{k}")


def lacuna_app(wit: str, others: list[str], which: str) -> etree._Element:
    """A witness leaves off (lacunaStart), takes up again (lacunaEnd) or begins
    (witStart: a witness that transmits only part of the work), in an app of its own."""
    milestone = E({"start": "lacunaStart", "end": "lacunaEnd", "wit-start": "witStart"}[which])
    return E("app", E("rdg", milestone, wit=f"#{wit}", type_="lac"), E("rdg", wit=" ".join(f"#{o}" for o in others)),
             type_="lacuna", subtype=which if which == "wit-start" else f"lacuna-{which}")


def apparatus_document(work: str, wits: list[Source], files: dict[str, str], body, prefix: str,
                       ids: dict[str, str], quoted: dict[str, str] | None = None) -> etree._Element:
    """The apparatus file. ``quoted``: for a witness that quotes single articles, which."""
    quoted = quoted or {}

    def extent(w: Source) -> str:
        if w.complete:
            return "complete text"
        if w.extent:
            return f"partial transcription: {w.extent}"
        if ids[w.siglum] in quoted:
            return f"quotes {quoted[ids[w.siglum]]} only"
        return "partial transcription"

    listwit = E("listWit", *[
        E("witness",
          E("bibl", E("title", w.title, level="m"), E("ref", w.url, target=iri(w.url)),
            E("note", extent(w), xml_lang="en")),
          E("ptr", target=files[ids[w.siglum]]),
          xml_id=ids[w.siglum], n=w.siglum, corresp=files[ids[w.siglum]], xml_lang=LANG[w.script])
        for w in wits])
    pseudo = Source(id=prefix, file=Path(f"{work}.apparatus.xml"), format="apparatus", title=work, script="Hans",
                    url=wits[0].url, licence=wits[0].licence)
    header = E("teiHeader",
        E("fileDesc",
          E("titleStmt",
            E("title", f"{' / '.join(w.title for w in wits)}: critical apparatus", type_="main"),
            E("title", f"Collation of the {len(wits)} witnesses of {work}", type_="sub", xml_lang="en"),
            E("respStmt", E("resp", "collation (automatic)", xml_lang="en"), E("name", f"treatytei toolkit {__version__}")),
            E("respStmt", E("resp", "review of the apparatus", xml_lang="en"), E("name", "treatytei editors"))),
          publication_stmt(pseudo),
          E("sourceDesc", listwit)),
        E("encodingDesc",
          E("projectDesc", E("p", f"Made by treatytei {__version__} (treatytei collate) from the witnesses' TEI files.", xml_lang="en")),
          E("editorialDecl",
            E("normalization", E("p", "Common text is given in one normal form: simplified characters, converted character by character "
                                  "with OpenCC (t2s). Where a witness's own characters differ from it only in script they are kept in "
                                  "<choice><reg>normal form</reg><orig source=\"#witness\">own characters</orig></choice>, so every "
                                  "witness's text can be read back from this file.", xml_lang="en")),
            E("interpretation",
              E("p", "Three levels of difference. (1) Script only (a traditional and a simplified form of one character): not a "
                "variant; recorded in <choice> as above. (2) <app type=\"orthographic\">: variant characters (異體字, listed in "
                "data/variants.tsv: 拏/拿, 徃/往, 劄/札 ...), subtype variant-character; punctuation of the same function "
                "(ASCII ',' for '，'), subtype punctuation; one name (same register entry) spelled differently, subtype "
                "transliteration. (3) <app type=\"substantive\">: subtype omission (a witness lacks what the base witness has), "
                "addition (a witness has what the base lacks), transposition (the same characters in another order), "
                "substitution. The base of a section is its first witness in siglum order.", xml_lang="en"),
              E("p", "The bounds of a variant are those of the first two witnesses present. A further witness that reads "
                "one of their readings but for some words shares that <rdg>, and where it differs an <app> is nested inside "
                "the <rdg> (Guidelines 12.2.3): its readings divide the shared reading's witnesses among them.", xml_lang="en"),
              E("p", "<app type=\"numbering\"> records the witnesses' article numerals (A counts 一、二、三、; B opens every "
                "article with 一、). <app type=\"lacuna\"> holds a <lacunaStart/> or <lacunaEnd/> of a witness whose "
                "transcription breaks off; between them the witness is not read as omitting anything. A section a witness "
                "lacks for that reason has no pointer to it in the section's @corresp.", xml_lang="en"),
              E("p", "Sections are paired by their number (preamble with preamble, article K with article K), or by their text "
                "for a witness that numbers them its own way (see the collation report); within a section the "
                "alignment is character by character, a tagged name or date counting as one unit.", xml_lang="en"))),
          E("variantEncoding", method="parallel-segmentation", location="internal")),
        E("profileDesc", E("langUsage",
            E("language", "Chinese, simplified (the normal form)", ident="zh-Hans"),
            E("language", "Chinese, traditional", ident="zh-Hant"),
            E("language", "English (editorial matter)", ident="en"))),
        E("revisionDesc", E("change", f"Collated by treatytei {__version__}.", when=EDITION_DATE, xml_lang="en"), status="published"))
    return E("TEI", header, E("text", body), xml_id=prefix, xml_lang="zh-Hans")


def witness_text(el, wit: str) -> str:
    """What witness ``wit`` reads inside an apparatus element: its own characters in a
    <choice> (its <orig>, else the normal form), in an <app> (nested ones too) the
    reading that cites it; article numerals and notes left out."""
    parts = [el.text or ""]
    for c in el:
        if not isinstance(c.tag, str):
            parts.append(c.tail or "")
            continue
        name = local(c)
        if name == "choice":
            own = [o for o in c.iterfind(qname("orig")) if o.get("source") == f"#{wit}"]
            chosen = own[0] if own else c.find(qname("reg"))
            parts.append("".join(chosen.itertext()) if chosen is not None else "")
        elif name == "app":
            mine = [r for r in c.iterfind(qname("rdg")) if f"#{wit}" in (r.get("wit") or "").split()]
            if mine:
                parts.append(witness_text(mine[0], wit))
        elif name not in ("label", "note"):
            parts.append(witness_text(c, wit))
        parts.append(c.tail or "")
    return "".join(parts)
