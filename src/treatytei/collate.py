"""Step: collate. All witnesses of a work -> a critical apparatus in parallel
segmentation (tei/<work>.apparatus.xml).

The work is done by four modules, one job each: collation_tokens (sections and tokens),
alignment (aligning the witnesses of a section), variants (columns -> variants, their
classes) and apparatus_tei (the TEI written); apparatus_edits merges an editor's
changes into a new collation. This module matches the sections of the witnesses (by
their article number; a witness that quotes single articles or stops is in lacuna where
it has nothing), marks where witnesses begin and break off, and runs the step: each
work in parallel, skipped when its witnesses did not change.
"""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from lxml import etree

from .alignment import merge
from .apparatus_edits import merge_edits
from .apparatus_tei import (
    LANG,
    apparatus_document,
    lacuna_app,
    render_segment,
    stable_app_ids,
)
from .collation_tokens import Section, sections
from .errors import TreatyError
from .fileio import Fingerprints, Staged
from .manifest import Source, load
from .tei import NS, XML_ID, E, append, parse_file, serialise
from .tei import q as qname
from .variants import segments

_GROUPED: list = []   # [(sources, witnesses by work, works by siglum)]: the last list grouped


def _grouped(sources: list[Source]) -> tuple[dict, dict]:
    """The sources with a siglum by work, and the works using each siglum: made once
    per list of sources (looking them up by scanning the list for every work cost
    works x sources)."""
    if not _GROUPED or _GROUPED[0][0] is not sources:
        by_work: dict = {}
        works_of: dict = {}
        for s in sources:
            if s.siglum:
                by_work.setdefault(s.work, []).append(s)
                works_of.setdefault(s.siglum, set()).add(s.work)
        for wits in by_work.values():
            wits.sort(key=lambda s: s.siglum)
        _GROUPED[:] = [(sources, by_work, works_of)]
    return _GROUPED[0][1], _GROUPED[0][2]


def witnesses_of(sources: list[Source], work: str) -> list[Source]:
    """The witnesses of a work (the sources with a siglum), by siglum."""
    return list(_grouped(sources)[0].get(work, []))


def witness_id(sources: list[Source], work: str, siglum: str) -> str:
    """The witness's xml:id: its siglum (#A), unless another work of the edition uses the
    same siglum -- xml:ids are unique across the edition -- then work-siglum."""
    shared = any(w != work and w is not None for w in _grouped(sources)[1].get(siglum, ()))
    return f"{work}-{siglum}" if shared else siglum


def collate_work(project, work: str, sources: list[Source] | None = None, report: list | None = None) -> etree._Element:
    """The apparatus of one work; ``report`` gets a line on how each witness's sections
    were placed, where that needs saying."""
    sources = sources if sources is not None else load(project.manifest)
    wits = witnesses_of(sources, work)
    if len(wits) < 2:
        raise TreatyError(project.manifest, f"work '{work}' has {len(wits)} witness(es) with a siglum; collation needs two or more")
    ids = {w.siglum: witness_id(sources, work, w.siglum) for w in wits}
    sigla = [ids[w.siglum] for w in wits]
    lang = {ids[w.siglum]: LANG[w.script] for w in wits}
    secs: dict[str, dict[tuple, Section]] = {}
    files: dict[str, str] = {}
    open_after: dict[str, tuple] = {}
    for w in wits:
        path = project.tei / f"{w.id}.xml"
        if not path.exists():
            raise TreatyError(path, f"missing: witness {w.siglum} of '{work}' must be converted first")
        wid = ids[w.siglum]
        files[wid] = path.name
        ss = _placed(sections(parse_file(path).getroot()), w, project.manifest)
        secs[wid] = {s.key: s for s in ss}
    placed_lines, placed = place_by_text(wits, ids, secs)
    for wid, d in secs.items():
        ends = [k for k in sorted(d, key=_order) if d[k].open_end]
        if ends:
            open_after[wid] = ends[0]
    keys = sorted({k for d in secs.values() for k in d}, key=_order)
    if report is not None:
        report.extend(f"{work}: {line}" for line in placed_lines)
        report.extend(placement_report(work, wits, ids, secs))
    # a witness without punctuation (C, quoted from an unpunctuated print) is silent about
    # punctuation: it gives no punctuation variants
    unpunct = frozenset(w for w in sigla if _unpunctuated([t for sec in secs[w].values() for t in sec.tokens]))
    # a witness that quotes single articles: under their own headings, or numbered its own
    # way and placed by their text
    excerpt = {w for w in sigla if secs[w] and (all(sec.excerpt for sec in secs[w].values()) or w in placed)}
    body = E("body")
    out: set[str] = set()         # witnesses in lacuna (or not yet begun) at this point
    started: set[str] = set()
    prefix = f"{work}-apparatus"

    def lacuna(w: str, which: str):
        """The app where witness w leaves off, takes up again or begins, against the
        witnesses present there."""
        return lacuna_app(w, [x for x in sigla if x != w and x not in out], which)

    for key in keys:
        present = {w: secs[w][key] for w in sigla if key in secs[w]}
        # a witness that does not transmit this section -- it quotes single articles, its
        # transcription stopped earlier, it begins later -- is in lacuna here, not omitting
        absent = [w for w in sigla if key not in secs[w] and (
            w in excerpt or (w in open_after and _order(open_after[w]) < _order(key)))]
        streams = {w: present[w].tokens if w in present else [] for w in sigla if w not in absent}
        opens = {w: bool(w in present and present[w].open_end) for w in streams}
        base = next(w for w in sigla if w in streams)
        columns = merge(base, streams, opens, unpunct)
        for w in absent:
            for col in columns:
                col.cells[w] = None
        name = "preamble" if key[0] == "preamble" else f"art{key[1]}"
        div = E("div", type_=key[0], n=str(key[1]), xml_id=f"{prefix}-{name}",
                corresp=" ".join(f"{files[w]}#{present[w].div_id}" for w in sigla if w in present))
        revised = [(w, present[w].revised_note) for w in sigla if w in present and present[w].revised_note]
        for w, note in revised:
            div.append(E("note", f"Witness {w.rsplit('-', 1)[-1]}: {note}", type_="revision", target=f"#{w}", xml_lang="en"))
        p = E("p")
        # where witnesses begin, leave off and take up again (Guidelines 12.1.5), each in an app of its own
        for w in sigla:
            if w in absent and w not in out:
                out.add(w)
                if w in started:
                    p.append(lacuna(w, "start"))
            elif w in present and w in out:
                out.discard(w)
                p.append(lacuna(w, "end" if w in started else "wit-start"))
            if w in present:
                started.add(w)
        # article numerals
        labels = {w: present[w].label or "" for w in present}
        if any(labels.values()):
            if len(set(labels.values())) == 1:
                p.append(E("label", next(iter(labels.values())), type_="numbering"))
            else:
                # a witness that numbers nothing here has an empty reading
                app = E("app", type_="numbering")
                groups: dict[str, list[str]] = {}
                for w, lab in labels.items():
                    groups.setdefault(lab, []).append(w)
                for lab, ws in groups.items():
                    app.append(E("rdg", *([E("label", lab, type_="numbering")] if lab else []),
                                 wit=" ".join(f"#{w}" for w in ws)))
                p.append(app)
        for seg in segments(columns, unpunct, sigla):
            for w in sigla:
                # the witness breaks off here
                if opens.get(w) and w not in out and seg.columns[0].cells.get(w, 0) is None:
                    out.add(w)
                    p.append(lacuna(w, "start"))
            for piece in render_segment(seg, sigla, unpunct, lang):
                append(p, piece)
        for w in sigla:
            # the witness breaks off exactly where the section ends
            if opens.get(w) and w not in out:
                out.add(w)
                p.append(lacuna(w, "start"))
        div.append(p)
        body.append(div)
    # close the lacunae at the end of the text
    last_p = body[-1].xpath("tei:p", namespaces=NS)[-1]
    closing = [w for w in sigla if w in out and w in started]
    for w in closing:
        last_p.append(lacuna(w, "end"))
    stable_app_ids(body, prefix)
    quoted = {w: "article" + ("s " if len(arts) > 1 else " ") + ", ".join(arts)
              for w in excerpt for arts in [[str(k[1]) for k in sorted(secs[w], key=_order) if k[0] == "article"]]}
    return apparatus_document(work, wits, files, body, prefix, ids, quoted)


def _order(key: tuple) -> tuple:
    """Sections in the order of the work: the preamble, then the articles by number."""
    return (0 if key[0] == "preamble" else 1, key[1])


def _unpunctuated(tokens: list) -> bool:
    """A witness that has (almost) no punctuation: under one mark in 200 characters."""
    return len(tokens) >= 50 and sum(1 for t in tokens if t.punct) * 200 < len(tokens)


def _placed(secs: list[Section], src: Source, manifest) -> list[Section]:
    """The witness's sections under the work's numbering: as the witness numbers them
    (its ordinal, or the number a quoted article's heading gives), unless its entry in
    sources.toml says otherwise: ``sections = { "1" = 3 }`` (its article 1 is the
    work's article 3; "preamble" names the preamble on either side)."""
    override = src.extra.get("sections")
    if override is None:
        return secs
    if not isinstance(override, dict):
        raise TreatyError(manifest, f"source '{src.id}': 'sections' must be a table such as {{ \"1\" = 3 }}")

    def key(v, what):
        if v == "preamble":
            return ("preamble", 0)
        try:
            n = int(v)
        except (TypeError, ValueError):
            n = 0
        if n < 1:
            raise TreatyError(manifest, f"source '{src.id}': sections: {what} '{v}' is not an article number or 'preamble'")
        return ("article", n)

    moves = {key(k, "section"): key(v, "target") for k, v in override.items()}
    have = {sec.key for sec in secs}
    for k in moves:
        if k not in have:
            raise TreatyError(manifest, f"source '{src.id}': sections: the witness has no {_name(k)}")
    out = [Section(moves.get(sec.key, sec.key), *_fields(sec)) for sec in secs]
    targets = [sec.key for sec in out]
    if len(set(targets)) != len(targets):
        raise TreatyError(manifest, f"source '{src.id}': sections: two sections of the witness placed as one")
    return out


def _name(key: tuple) -> str:
    return "the preamble" if key[0] == "preamble" else f"article {key[1]}"


def _bigrams(sec: Section) -> set:
    chars = [t.strict for t in sec.tokens if not t.punct]
    return set(zip(chars, chars[1:]))


def _similarity(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def place_by_text(wits: list[Source], ids: dict, secs: dict) -> tuple[list[str], set[str]]:
    """A witness numbered otherwise than the work (an excerpt that numbers the articles
    it quotes 一、二、, a text with no numbers at all): where at least half of its sections
    read far more like another section of the other witnesses than like the one their
    number names, each such section is placed there (in ``secs``) once the witness has
    no section there (or two swap places); the most alike first. A placement set in
    sources.toml is left as it is. Returns a line for each, and the witnesses with a
    section so placed."""
    lines = []
    placed: set[str] = set()
    for src in wits:
        if src.extra.get("sections") is not None:
            continue
        wid = ids[src.siglum]
        comparable, want = _reads_like(secs, wid)
        if len(want) * 2 < comparable and all(sec.numbered for sec in secs[wid].values()):
            # the witness's numbering holds for most of its sections: it is the work's;
            # a section that reads otherwise is warned of (placement_report), not moved
            continue
        done: set = set()
        progress = True
        while progress:          # a section moves once its place is free (or they swap)
            progress = False
            for k, (sim, same, target) in sorted(want.items(), key=lambda m: (-m[1][0], _order(m[0]))):
                if k in done:
                    continue
                swap = target in secs[wid] and want.get(target, (0, 0, None))[2] == k and target not in done
                if target in secs[wid] and not swap:
                    continue
                sec = secs[wid].pop(k)
                if swap:
                    other = secs[wid].pop(target)
                    secs[wid][k] = Section(k, *_fields(other))
                    done.add(target)
                    lines.append(_moved(src.siglum, other, k, *want[target][:2]))
                secs[wid][target] = Section(target, *_fields(sec))
                done.add(k)
                lines.append(_moved(src.siglum, sec, target, sim, same))
                placed.add(wid)
                progress = True
    return lines, placed


def _reads_like(secs: dict, wid: str) -> tuple[int, dict]:
    """How many of witness ``wid``'s sections have text enough to compare (8 character
    pairs), and those that read far more like another section of the other witnesses
    than like the one they are placed as: {key: (likeness there, likeness here, other
    key)}, the other key the most alike (the first in the work's order on a tie)."""
    others: dict[tuple, list] = {}
    for w, d in secs.items():
        if w != wid:
            for k, sec in d.items():
                others.setdefault(k, []).append(_bigrams(sec))
    comparable, out = 0, {}
    for k, sec in secs[wid].items():
        g = _bigrams(sec)
        if len(g) < 8:
            continue
        comparable += 1
        same = max((_similarity(g, o) for o in others.get(k, [])), default=0.0)
        scored = sorted((-max(_similarity(g, o) for o in grams), _order(k2), k2)
                        for k2, grams in others.items() if k2 != k)
        if scored and -scored[0][0] > max(0.2, 2 * same):
            out[k] = (-scored[0][0], same, scored[0][2])
    return comparable, out


def _moved(siglum: str, sec: Section, target: tuple, sim: float, same: float) -> str:
    what = _name(sec.key) if sec.numbered else f"text (it numbers no articles; part {sec.key[1]})"
    return (f"witness {siglum}'s {what} placed as {_name(target)} by its text (shared character pairs "
            f"{sim:.2f} against {same:.2f}); to place it otherwise, set sections in its sources.toml entry")


def _fields(sec: Section) -> tuple:
    return (sec.div_id, sec.label, sec.tokens, sec.open_end, sec.revised_note, sec.excerpt, sec.numbered)


def placement_report(work: str, wits: list[Source], ids: dict, secs: dict) -> list[str]:
    """How each witness's sections were placed, for the witnesses that transmit only some
    (an excerpt, a transcription that stops, a placement set in sources.toml), and a warning where a section reads more like another section
    of the work than like the one it was placed as (a numbering to check, or to set in
    sources.toml)."""
    lines = []
    for src in wits:
        wid = ids[src.siglum]
        mine = sorted(secs[wid], key=_order)
        arts = ", ".join(str(k[1]) for k in mine if k[0] == "article")
        stops = [k for k in mine if secs[wid][k].open_end]
        if mine and all(secs[wid][k].excerpt for k in mine):
            lines.append(f"{work}: witness {src.siglum} quotes article(s) {arts} under their own headings; "
                         "it is in lacuna in the others")
        elif stops:
            lines.append(f"{work}: witness {src.siglum}'s transcription stops in {_name(stops[0])}; "
                         "it is in lacuna after that")
        if src.extra.get("sections"):
            lines.append(f"{work}: witness {src.siglum}: sections placed by sources.toml "
                         f"({', '.join(f'{k} -> {v}' for k, v in src.extra['sections'].items())})")
        unlike = _reads_like(secs, wid)[1]
        for k in mine:
            if k in unlike:
                best_other, same, best_key = unlike[k]
                lines.append(f"{work}: warning: witness {src.siglum}'s {_name(k)} reads like {_name(best_key)} of "
                             f"another witness (shared character pairs {best_other:.2f} against {same:.2f}); check its "
                             f"number, or place it in sources.toml: sections = {{ \"{k[1] if k[0] == 'article' else 'preamble'}\" = N }}")
    return lines


def works(project) -> list[str]:
    sources = load(project.manifest)
    return sorted(w for w, wits in _grouped(sources)[0].items() if w and len(wits) >= 2)


_SOURCES: dict[tuple, list] = {}


def _collate_job(job: tuple[str, str]) -> tuple[bytes, list[str]]:
    """One work, in a worker process (the manifest is read once per process)."""
    from .project import Project

    root, work = job
    project = Project(Path(root))
    key = (str(project.manifest), project.manifest.stat().st_mtime_ns)
    if key not in _SOURCES:
        _SOURCES.clear()
        _SOURCES[key] = load(project.manifest)
    report: list[str] = []
    return serialise(collate_work(project, work, _SOURCES[key], report)), report


def collate(project, work: str | None = None, force: bool = False, state=None,
            messages: list | None = None) -> list[tuple[Path, str]]:
    """Collate each work (in parallel when there are many). With a BuildState, a work
    whose witness files and manifest entries did not change is skipped."""
    from .buildstate import digest
    from .parallel import imap

    sources = load(project.manifest)
    names = [work] if work else works(project)
    fp = Fingerprints(project.tei)
    keys, todo, out = {}, [], []
    for w in names:
        path = project.tei / f"{w}.apparatus.xml"
        wits = witnesses_of(sources, w)
        keys[w] = digest(*[project.tei / f"{s.id}.xml" for s in wits], *[s.entry_key() for s in wits])
        if state is not None and state.get("collate", w) == keys[w] and fp.state(path.name) == "pristine":
            out.append((path, "up-to-date"))
            continue
        todo.append(w)
    # works are collated on every core while the finished ones are written beside their
    # targets; all are put in place together once every work is done
    done = []
    with closing(imap(_collate_job, [(str(project.root), w) for w in todo], "collate")) as results, \
            Staged() as staged:
        for w, (data, report) in zip(todo, results):
            if messages is not None:
                messages.extend(report)
            path = project.tei / f"{w}.apparatus.xml"
            generated = data
            status = None
            if fp.state(path.name) in ("edited", "untracked"):
                if force:
                    fp.backup(path.name)
                else:
                    # the editor's notes and classifications are carried into the new apparatus
                    before = set(fp.entries.get(path.name, {}).get("apps", []))
                    data, kept, lost = merge_edits(parse_file(path).getroot(), data, before)
                    status = f"merged ({kept} editor's change(s) kept"
                    if lost:
                        status += f"; {len(lost)} could not be placed: {'; '.join(lost)}"
                    status += ")"
                    if data != path.read_bytes():
                        status += f"; backup: {fp.backup(path.name).relative_to(project.root)}"
            if path.exists() and path.read_bytes() == data:
                status = status or "unchanged"
            else:
                staged.add(path, data)
                status = status or "written"
            # what the toolkit made, not the merge: an edited apparatus stays the editor's; the
            # variants it made are remembered, so that one an editor deletes stays deleted
            fp.record(path.name, generated)
            fp.entries[path.name]["apps"] = sorted(
                a.get(XML_ID) for a in etree.fromstring(generated).iter(qname("app")) if a.get(XML_ID))
            done.append(w)
            out.append((path, status))
        staged.commit()
    if state is not None:
        for w in done:
            state.put("collate", w, keys[w])
    fp.save()
    return out
