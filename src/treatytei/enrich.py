"""Step: enrich. Tags persons, places, organisations, offices and dates in the TEI
texts and links them to the register (tei/register.xml).

* Matching is script- and variant-insensitive: text and names are compared after
  mapping variant characters to their standard form and OpenCC t2s, character by
  character (so every match maps back to the source's own characters).
* At each position the longest name or date wins; matches never cross or enter
  existing name and date markup (an editor's markup, and its @ref, always wins),
  nor text the edition added (notes, gap descriptions), nor an editor's "not a name"
  (seg type="not-name"). Inside the title marks 《》 and 〈〉 only treaty titles are
  tagged (a place in a title is not a mention of the place); quotation marks 「」“”
  are not titles (漢名“買賣城” names the town).
* Known words hide the names inside them (see Gazetteer, lexicon), and inside a link a
  name keeps to the linked article's title (see _link_allows).
* A match may enclose whole inline elements (a link, a script run); it may cut a
  script run (<seg xml:lang>) of the converter's in two, but no other element.
* Running it twice changes nothing: the second run finds every earlier match
  already tagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .chinese import CharTable, normal_char, variant_rows
from .dates import DateError, DateValue, find_dates
from .errors import TreatyError
from .fileio import Fingerprints, Staged
from .lexicon import contains_name
from .tei import NS, XML_ID, XML_LANG, E, local, parse_bytes, serialise

NAME_TAGS = {"persName", "placeName", "orgName", "roleName"}
#: the element that tags a name of each kind of register entry
ENTRY_TAG = {"person": "persName", "place": "placeName", "org": "orgName", "office": "roleName", "treaty": "title"}
#: seg/@type of an editor's "these words are not a name here"
NOT_NAME = "not-name"
#: Existing elements no match may enter or cross.
BARRIERS = NAME_TAGS | {"date", "title", "term", "note", "gap", "label", "app", "choice", "name",
                        # an image in a paragraph: its file name is no text, its caption a block
                        "figure"}
#: Inline elements a match may enclose whole.
ENCLOSABLE = {"ref", "hi", "seg"}
BLOCK = "\x00"
#: title marks: a name inside a title is part of the title (quotation marks 「」“” quote
#: words, which name what they name: 漢名“買賣城”)
QUOTES = {"《": "》", "〈": "〉"}


# ------------------------------------------------------------------ matching

def _variant_map() -> dict[str, str]:
    """Variant character -> normal form of its standard (data/variants.tsv)."""
    return {variant: normal_char(standard) for variant, standard, _ in variant_rows()}


_KEYS: CharTable | None = None


def match_key(text: str) -> str:
    """One character per input character: variant -> standard, then simplified."""
    global _KEYS
    if _KEYS is None:
        variants = _variant_map()
        _KEYS = CharTable(lambda c: variants.get(c) or normal_char(c))
    return text.translate(_KEYS)


@dataclass(frozen=True)
class Entry:
    tag: str   # persName | placeName | orgName | roleName
    id: str


def _names_only(word: str, names: set[str]) -> bool:
    """Whether a word of the list is names of the register one after another (中國內蒙古自治區:
    中國, 內蒙古自治區): such a word hides no name, it is those names."""
    ends = {0}
    for i in range(1, len(word) + 1):
        if any(j in ends and word[j:i] in names for j in range(max(0, i - 12), i - 1)):
            ends.add(i)
    return len(word) in ends and word not in names and len(ends) > 2


class Gazetteer:
    """Every name of the register, by its match key; and the register's known words
    (entry tag "word"): a word is matched like a name, so that no shorter name is found
    inside it, but is not tagged."""

    def __init__(self, register, hiding: list[str] | None = None):
        """``register``: the register's path, or a Register already read. ``hiding``: the
        word list's words that hide a name of this register, when already known (a
        worker gets them from the parent instead of reading the word list again)."""
        from .lexicon import longer_words
        from .register import Register

        reg = register if isinstance(register, Register) else Register.load(register)
        self.names: dict[str, Entry] = {}
        self.conflicts: list[str] = []
        for entry in reg.entries.values():
            tag = ENTRY_TAG[entry.kind]
            for text in entry.names + entry.latin:     # Chinese names, then Latin/Cyrillic ones
                if len(text) < 2 or (text in entry.latin and len(text) < 4):
                    continue
                key = match_key(text)
                known = self.names.get(key)
                if known and known != Entry(tag, entry.id):
                    self.conflicts.append(f"{text}: {known.id} and {entry.id}")
                    continue
                self.names[key] = Entry(tag, entry.id)
        # known words, of the word list and the register's list, that hide a name (a name
        # in them is not one: 中國年號列表, 哈薩克斯坦); 外蒙古獨立 keeps its 外蒙古
        names = list(self.names)
        self.hiding = longer_words(names) if hiding is None else list(hiding)
        named = set(names)
        for word in sorted(set(self.hiding) | set(longer_words(names, reg.words))):
            if word not in self.names and not _names_only(word, named):
                self.names[word] = Entry("word", "")
        self.by_first: dict[str, list[str]] = {}
        for key in sorted(self.names, key=lambda k: (-len(k), k)):
            self.by_first.setdefault(key[0], []).append(key)

    def match_at(self, key: str, pos: int) -> str | None:
        for name in self.by_first.get(key[pos], ()):
            if key.startswith(name, pos):
                return name
        return None


# ------------------------------------------------------------------ flat text

def flat(el) -> str:
    """The element's content as matchable text: a barrier or edition-added element
    counts as one blocking character."""
    parts = [el.text or ""]
    for child in el:
        parts.append(_flat_item(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _flat_item(child) -> str:
    if not isinstance(child.tag, str) or is_mark(child):
        return ""
    if is_barrier(child):
        return BLOCK
    return flat(child)


def is_mark(el) -> bool:
    """A footnote's mark in the text (尼迢[1]來): no words of it, and no break in them --
    it has no width in the matchable text, and a name around it takes it in whole."""
    return local(el) == "ref" and el.get("type") == "noteref"


def is_barrier(el) -> bool:
    """An element no match may enter or cross: existing markup of names, dates, notes
    and the like, and an editor's "not a name here" (seg type="not-name")."""
    name = local(el)
    return name in BARRIERS or (name == "seg" and el.get("type") == NOT_NAME)


def link_spans(el) -> list[tuple[int, int, int, int]]:
    """Where the block's links to Wikipedia articles are, in flat(el) offsets:
    (anchor start, anchor end, title start, title end); the title's span is where the
    linked article's title stands in the anchor, (-1, -1) when it does not."""
    from .names_propose import link_title

    out: list[tuple[int, int, int, int]] = []

    def walk(node, off: int) -> int:
        off += len(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and not is_mark(child):
                if is_barrier(child):
                    off += len(BLOCK)
                else:
                    start = off
                    off = walk(child, off)
                    if local(child) == "ref":
                        title = link_title(child.get("target") or "")
                        if title:
                            anchor = match_key(flat(child))
                            at = anchor.find(match_key(title))
                            out.append((start, off, start + at, start + at + len(title)) if at >= 0
                                       else (start, off, -1, -1))
            off += len(child.tail or "")
        return off

    walk(el, 0)
    return out


def _link_allows(links, start: int, end: int, key: str) -> bool:
    """A name may enclose a whole link, but not cut one; inside a link's article title
    it stands only as the title, or as the title's first word when the rest is a word
    of its own (lexicon.contains_name): 中國 is not tagged in a link to 中國年號列表,
    蘇聯 is in one to 蘇聯解體. ``key``: the match key of the block's flat text."""
    for a, b, ts, te in links:
        if end <= a or start >= b or (start <= a and end >= b):
            continue
        if start < a or end > b:
            return False
        if ts >= 0 and start < te and end > ts and (start, end) != (ts, te):
            if not (ts <= start and end <= te and contains_name(key[ts:te], key[start:end], start - ts)):
                return False
    return True


def _word_edges(key: str, start: int, end: int) -> bool:
    """A name in letters stands as whole words (Gorbitsa, not Gorbitsa in Gorbitsy)."""
    def letter(c: str) -> bool:
        return c.isascii() and (c.isalnum() or c == "_") or ("\u0400" <= c <= "\u04ff")

    if letter(key[start]) and start > 0 and letter(key[start - 1]):
        return False
    return not (letter(key[end - 1]) and end < len(key) and letter(key[end]))


def _quote_mask(text: str) -> list[bool]:
    """True for characters inside 《》「」“” (titles and quotations)."""
    mask = [False] * len(text)
    stack: list[str] = []
    for i, c in enumerate(text):
        if c in QUOTES:
            stack.append(QUOTES[c])
            mask[i] = True
        elif stack and c == stack[-1]:
            stack.pop()
            mask[i] = True
        elif stack:
            mask[i] = True
    return mask


@dataclass
class Match:
    start: int
    end: int
    element: etree._Element  # the new element, without content


def find_matches(text: str, gaz: Gazetteer, composite_dates: bool = True, errors: list | None = None,
                 links=()) -> list[Match]:
    """The names and dates of a block's flat text, longest first at each position.
    ``links``: the block's link_spans (names keep to the words of links)."""
    key = match_key(text)
    quoted = _quote_mask(text)
    dates = {s: (e, v) for s, e, v in find_dates(text, composite=composite_dates)}
    if errors is not None:
        errors.extend((s, text[s:e], str(v)) for s, (e, v) in dates.items() if isinstance(v, DateError))
    out: list[Match] = []
    pos = 0
    while pos < len(text):
        if text[pos] == BLOCK:
            pos += 1
            continue
        cands = []
        name = gaz.match_at(key, pos)
        if name and (BLOCK in text[pos:pos + len(name)] or not _link_allows(links, pos, pos + len(name), key)
                     or not _word_edges(key, pos, pos + len(name))):
            name = None
        if name:
            entry = gaz.names[name]
            # inside 《》「」“” only titles: a place in a treaty's title is not a mention of the place
            if entry.tag == "word" or (entry.tag in ("orgName", "placeName") and (
                    _script(key, pos + len(name)) or _people_counted(key, name, pos + len(name)))):
                cands.append((len(name), None))
            elif entry.tag == "title":
                cands.append((len(name), E("title", ref=f"#{entry.id}", type_="treaty")))
            elif not any(quoted[pos:pos + len(name)]):
                cands.append((len(name), E(entry.tag, ref=f"#{entry.id}")))
        if pos in dates:
            end, value = dates[pos]
            if BLOCK not in text[pos:end] and not isinstance(value, DateError):
                cands.append((end - pos, date_element(value)))
        if not cands:
            pos += 1
            continue
        length, el = max(cands, key=lambda c: (c[0], c[1] is not None))
        if el is not None:          # a known word is passed over whole, untagged
            out.append(Match(pos, pos + length, el))
        pos += length
    return out


def _script(key: str, end: int) -> bool:
    """A state's or people's name before 字 names its script, not itself (以俄羅斯字、滿洲字
    繕寫: "written in Russian and Manchu"); not 字據, 字樣 (a written pledge, the words)."""
    return key[end:end + 1] == "字" and key[end + 1:end + 2] not in ("据", "样")


#: a number of people right after a land's or a state's name (滿族三人、蒙古八人; 蒙古官五十五人)
PEOPLE_COUNTED = re.compile(r"[官员]?[一二三四五六七八九十百两〇0-9]+[人名员]")


def _people_counted(key: str, name: str, end: int) -> bool:
    """A land's or state's name right before a number of people names its people, not the land
    (由宗室一人、滿族三人、蒙古八人所組成: "eight Mongols"; 蒙古官五十五人); an army's stays one
    (俄軍826人)."""
    return not name.endswith(("军", "兵", "队")) and bool(PEOPLE_COUNTED.match(key, end))


def date_element(v: DateValue) -> etree._Element:
    return E("date", when=v.when, notBefore=v.not_before, notAfter=v.not_after, when__custom=v.when_custom,
             datingMethod=v.dating_method, cert=v.cert)


# ------------------------------------------------------------------ wrapping

def _splittable(el) -> bool:
    """A script run the converter made: <seg xml:lang> with only text."""
    return local(el) == "seg" and len(el) == 0 and set(el.attrib) <= {XML_LANG}


def _children_until(parent, end: int) -> list[tuple]:
    """(child, flat offset, flat length) of the children that start before flat
    position ``end``: the only ones a range ending there can enter, cut or enclose."""
    out = []
    pos = len(parent.text or "")
    for child in parent:
        if pos >= end:
            break
        n = len(_flat_item(child))
        out.append((child, pos, n))
        pos += n + len(child.tail or "")
    return out


def wrap(parent, start: int, end: int, new) -> bool:
    """Wrap flat positions [start, end) of ``parent``'s content in ``new``; descend
    into an enclosable child holding the whole range; split a script-run seg that
    the range cuts. False if the range would cut any other element.

    Only what the range touches is changed: the children before and after it stay
    where they are (a block is wrapped many times, from its end backwards)."""
    while True:
        children = _children_until(parent, end)
        # the whole range inside one element child: descend
        for it, off, n in children:
            if off <= start and end <= off + n and (off, off + n) != (start, end):
                if local(it) in ENCLOSABLE and not _splittable(it):
                    return wrap(it, start - off, end - off, new)
        cut = None
        for it, off, n in children:
            a, b = off, off + n
            if (a < start < b) or (a < end < b):
                cut = (it, a, start if a < start < b else end)
                break
        if cut is None:
            break
        it, a, at = cut
        if not _splittable(it):
            return False
        second = etree.SubElement(parent, it.tag, dict(it.attrib))
        second.text = it.text[at - a:]
        it.text = it.text[:at - a]
        second.tail = it.tail
        it.tail = None
        it.addnext(second)
    # children wholly before the range stay; those inside it move into ``new``
    before = [(c, off, n) for c, off, n in children if off + n <= start]
    inside = [(c, off, n) for c, off, n in children if off + n > start and off < end]
    anchor = before[-1] if before else None
    # the text run just before the first child inside (or holding the whole range)
    run = (anchor[0].tail if anchor else parent.text) or ""
    run_off = anchor[1] + anchor[2] if anchor else 0
    head = run[: max(0, start - run_off)]
    if inside:
        new.text = run[start - run_off:] or None
        last, off, n = inside[-1]
        tail = last.tail or ""
        last.tail = tail[: end - off - n] or None
        after = tail[end - off - n:]
        for c, _, _ in inside:
            new.append(c)   # moves the child, with its tail
    else:
        new.text = run[start - run_off: end - run_off] or None
        after = run[end - run_off:]
    if anchor:
        anchor[0].tail = head or None
        anchor[0].addnext(new)
    else:
        parent.text = head or None
        parent.insert(0, new)
    new.tail = after or None
    return True


# ------------------------------------------------------------------ documents

def enrich_blocks(root, gaz: Gazetteer, refused: frozenset | set = frozenset(), added: list | None = None,
                  date_errors: list | None = None) -> int:
    """Tag every block of a TEI document in place; returns the number of new tags.
    ``refused``: keys (see ``tag_key``) of tags an editor removed, not added again;
    the keys of the tags added are appended to ``added``."""
    count = 0
    new_dates: list[etree._Element] = []
    for block in blocks(root):
        text = flat(block)
        errors: list = []
        links = link_spans(block) if block.find(f".//{{{NS['tei']}}}ref") is not None else ()
        matches = find_matches(text, gaz, errors=errors, links=links)
        if date_errors is not None:
            date_errors.extend((block.sourceline or 0, off + 1, words, msg) for off, words, msg in errors)
        bk = _block_key(root, block) if (matches and (refused or added is not None)) else ""
        seen: dict = {}
        if bk:
            # keys are taken on the block's plain text (tags dissolved), as tag_keys does,
            # so that a tag's key is the same whatever else is tagged around it
            ptext, to_plain = _aligned(block)
        # wrap from the end so earlier offsets stay valid
        for m in reversed(matches):
            key = ""
            if bk:
                start = to_plain(m.start)
                key = tag_key(bk, m.element, ptext, start, start + (m.end - m.start), seen)
            if key and key in refused:
                # an editor removed this tag: the decision is written into the file, where
                # it travels with it (and no later run tags these words here)
                if local(m.element) != "date" and wrap(block, m.start, m.end, E("seg", type_=NOT_NAME)):
                    count += 1
                continue
            if wrap(block, m.start, m.end, m.element):
                count += 1
                if added is not None:
                    added.append(key)
                if local(m.element) == "date":
                    new_dates.append(m.element)
                    count += _nested_dates(m.element, gaz)
    _link_equivalent_dates(root, new_dates)
    count += _link_parties(root, gaz)
    return count


#: the elements enrichment adds, by what they point to
TAGGED = ("persName", "placeName", "orgName", "roleName", "title", "date")


def _block_key(root, block) -> str:
    return block.get(XML_ID) or root.getroottree().getpath(block)


def tag_key(block_key: str, el, text: str, start: int, end: int, seen: dict | None = None) -> str:
    """What identifies an automatic tag across edits of the file: its block, kind,
    target, words, and which occurrence of those words in the block it is. ``seen``: a
    per-block memo of where each surface occurs (the positions found once per surface)."""
    surface = text[start:end]
    target = el.get("ref") or el.get("when") or ""
    if seen is None:
        nth = text.count(surface, 0, start)
    else:
        where = seen.get(surface)
        if where is None:
            where, k = [], text.find(surface)
            while k >= 0:
                where.append(k)
                k = text.find(surface, k + len(surface))
            seen[surface] = where
        import bisect

        nth = bisect.bisect_left(where, start)
    return f"{block_key}|{local(el)}|{target}|{surface}|{nth}"


def tag_keys(root) -> set[str]:
    """The keys of the tags a document holds now (in its blocks)."""
    keys: set[str] = set()
    for block in blocks(root):
        text = plain(block)
        bk = _block_key(root, block)
        seen: dict = {}
        keys.update(tag_key(bk, el, text, start, end, seen) for el, start, end in _tag_spans(block))
    return keys


def _tag_spans(block) -> list[tuple]:
    """(element, start, end) of the name and date tags of a block, in its plain text."""
    spans: list[tuple] = []

    def walk(el, off):
        off += len(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                name = local(child)
                if name in TAGGED or not is_barrier(child):
                    end = walk(child, off)
                    if name in TAGGED and (child.get("ref") or child.get("when")):
                        spans.append((child, off, end))
                    off = end
                else:
                    off += len(BLOCK)
            off += len(child.tail or "")
        return off

    walk(block, 0)
    return spans


def widen(root, gaz: Gazetteer, own: set[str]) -> set[str]:
    """Dissolve this step's own tags (keys in ``own``) that stand inside a longer name of
    the register, written in the same run of text: the register learnt the longer name
    after they were made (駐劄<roleName>大臣</roleName> once 駐劄大臣 is an entry), and a
    name is not tagged inside a longer one; enrichment then tags the longer name. An
    editor's tags, and tags holding markup, are left as they are. Returns their keys."""
    gone: set[str] = set()
    if not own:
        return gone
    for block in blocks(root):
        text = plain(block)
        key = match_key(text)
        bk = _block_key(root, block)
        seen: dict = {}
        for el, s, e in _tag_spans(block):
            if len(el) or local(el) == "date":
                continue
            k = tag_key(bk, el, text, s, e, seen)
            if k not in own:
                continue
            prev = el.getprevious()
            before = (prev.tail if prev is not None else el.getparent().text) or ""
            after = el.tail or ""
            for p in range(max(0, s - min(12, len(before))), s + 1):
                m = gaz.match_at(key, p)
                if m and gaz.names[m].id and p + len(m) >= e and len(m) > e - s and p + len(m) - e <= len(after):
                    gone.add(k)
                    parent = el.getparent()
                    joined = (el.text or "") + after
                    if prev is not None:
                        prev.tail = before + joined
                    else:
                        parent.text = before + joined
                    parent.remove(el)
                    break
    return gone


def plain(el) -> str:
    """The element's text with the tags enrichment adds dissolved (their words kept);
    other barriers (notes, gaps, apparatus...) count as one blocking character. What a
    tag's key is measured on: the same before and after tagging."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and not is_mark(child):
            name = local(child)
            parts.append(BLOCK if is_barrier(child) and name not in TAGGED else plain(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _aligned(block) -> tuple[str, Callable[[int], int]]:
    """plain(block), and a function from an offset into flat(block) to the offset of the
    same place in it."""
    import bisect

    p: list[str] = []
    size = [0, 0]                 # lengths so far: flat, plain
    jumps: list[int] = []         # flat offsets of the tags dissolved in plain
    extra: list[int] = [0]        # plain minus flat after each of them

    def put(flat_len: int, plain_part: str) -> None:
        p.append(plain_part)
        size[0] += flat_len
        size[1] += len(plain_part)
        if flat_len != len(plain_part):
            jumps.append(size[0] - 1)
            extra.append(size[1] - size[0])

    def walk(el):
        if el.text:
            put(len(el.text), el.text)
        for child in el:
            if isinstance(child.tag, str) and not is_mark(child):
                name = local(child)
                if is_barrier(child):
                    put(len(BLOCK), plain(child) if name in TAGGED else BLOCK)
                else:
                    walk(child)
            if child.tail:
                put(len(child.tail), child.tail)

    walk(block)

    def to_plain(offset: int) -> int:
        return offset + extra[bisect.bisect_left(jumps, offset)]

    return "".join(p), to_plain


def _nested_dates(outer, gaz: Gazetteer) -> int:
    """A Western date interrupted by its reign-year equivalent, 1864年（同治三年）10月7日:
    the inner date is tagged inside the outer one."""
    text = flat(outer)
    n = 0
    for m in reversed(find_matches(text, gaz, composite_dates=False)):
        if (local(m.element) == "date" and m.element.get("datingMethod") and (m.start, m.end) != (0, len(text))
                and wrap(outer, m.start, m.end, m.element)):
            n += 1
    return n


def blocks(root):
    xp = ("//tei:text/tei:front//tei:ab[@type='date' or @type='collapsed' or @type='note' or @type='parties'] | //tei:text/tei:body//tei:p"
          " | //tei:text//tei:head"
          " | //tei:text//tei:item | //tei:text//tei:cell | //tei:text/tei:body//tei:ab")
    for el in root.xpath(xp, namespaces=NS):
        # the innermost text containers only; an image's caption is one of its own (the
        # image is a barrier in the paragraph around it)
        if el.xpath("ancestor::tei:p | ancestor::tei:head | ancestor::tei:item | ancestor::tei:cell", namespaces=NS) \
                and not (local(el) == "head" and local(el.getparent()) == "figure"):
            continue
        yield el


SEPARATOR = re.compile(r"^[\s,，、;；]*$")


#: what may stand between two dates the source gives for one day: separators, brackets
#: (a date and its equivalent in parentheses), 即 ("that is")
EQUIVALENT_GAP = re.compile(r"^[\s,，、;；:：（()）]*(?:亦?[即卽][\s,，、;；:：（()）]*)?$")
_LABELS = ("俄", "儒略", "露", "旧历", "舊曆", "西历", "西曆", "公历", "公曆", "阳历", "陽曆", "新历", "新曆")


def _link_equivalent_dates(root, dates) -> None:
    """Dates the source gives for one day in different calendars -- side by side
    (一七六八年十月三十日,乾隆三十三年九月十九日,俄曆一七六八年十月十八日), one in
    parentheses after the other (雍正五年七月十五（1727年9月1日）) or joined by 即 --
    point at each other with @corresp, so the Schematron and `treatytei dates --check`
    can compare them. An unlabelled Western date that equals the Chinese date it glosses
    only as a Julian date is encoded as Julian."""
    groups: list[list] = []
    ordered = [d for d in root.iter(f"{{{NS['tei']}}}date") if d in dates]
    header = [d for d in ordered if d.getparent().get("type") in ("date", "collapsed")
              and d.xpath("ancestor::tei:front", namespaces=NS)]
    if header:     # the header's date lines give one day: the date of the text
        groups.append(header)
    for d in ordered:
        if d in header:
            continue
        prev = d.getprevious()
        if groups and prev is groups[-1][-1] and EQUIVALENT_GAP.match(prev.tail or ""):
            groups[-1].append(d)
        else:
            groups.append([d])
    existing = {i for i in root.xpath("//@xml:id")}
    prefix = root.get(XML_ID)
    n = 0
    for group in groups:
        days = [g for g in group if len(g.get("when", "")) == 10]
        methods = {g.get("datingMethod") for g in days}
        if len(days) < 2 or len(methods) < 2:
            continue
        _julian_if_it_fits(days)
        ids = []
        for g in days:
            if not g.get(XML_ID):
                while True:
                    n += 1
                    candidate = f"{prefix}-date{n}"
                    if candidate not in existing:
                        break
                g.set(XML_ID, candidate)
                existing.add(candidate)
            ids.append(g.get(XML_ID))
        for g in days:
            g.set("corresp", " ".join(f"#{i}" for i in ids if i != g.get(XML_ID)))


def _julian_if_it_fits(days) -> None:
    from .dates import julian_to_gregorian

    chinese = {g.get("when") for g in days if (g.get("datingMethod") or "").startswith("#chinese")}
    if len(chinese) != 1:
        return
    target = next(iter(chinese))
    for g in days:
        words = "".join(g.itertext())
        if g.get("datingMethod") or g.get("when") == target or any(lb in words for lb in _LABELS):
            continue
        y, m, d = (int(x) for x in g.get("when").split("-"))
        try:
            as_julian = julian_to_gregorian(y, m, d).isoformat()
        except DateError:
            continue
        if as_julian == target:
            g.set("when", as_julian)
            g.set("when-custom", f"{y:04d}-{m:02d}-{d:02d}")
            g.set("datingMethod", "#julian")


def _link_parties(root, gaz: Gazetteer) -> int:
    n = 0
    for name in root.xpath("//tei:particDesc//tei:orgName[not(@ref)]", namespaces=NS):
        entry = gaz.names.get(match_key((name.text or "").strip()))
        if entry:
            name.set("ref", f"#{entry.id}")
            n += 1
    return n


def enrich_bytes(path: Path, gaz: Gazetteer, remembered: tuple[list, list] = ((), ()), minimal: bool = True) -> tuple:
    """Enrich one file: (new tags, the new bytes or None when nothing changed, whether
    the additions were spliced into the file's own bytes, the automatic tags it holds
    now, the tags an editor refused). ``remembered``: the automatic tags this step added
    before and those already refused; one of the first that is gone was removed by an
    editor, and is not added again."""
    from .fileio import read_bytes
    from .splice import rewrite

    raw = read_bytes(path)
    before_tags, before_refused = set(remembered[0]), set(remembered[1])
    outcome: dict = {}

    def change(root):
        present = tag_keys(root) if (before_tags or before_refused) else set()
        refused = before_refused | (before_tags - present)
        widened = widen(root, gaz, before_tags & present)
        added: list[str] = []
        date_errors: list = []
        count = enrich_blocks(root, gaz, refused, added, date_errors)
        outcome.update(present=present - widened, refused=refused, added=added, date_errors=date_errors)
        return count + len(widened)

    if minimal:
        data, count, spliced = rewrite(raw, path, change)
    else:
        # a file exactly as the toolkit wrote it: written anew in the same form
        root = parse_bytes(raw, path).getroot()
        count, spliced = change(root), True
        data = serialise(root)
    tags = sorted((before_tags & outcome["present"]) | set(outcome["added"]))
    refused = sorted(outcome["refused"])
    errors = outcome["date_errors"]
    if not count or data == raw:
        return 0, None, True, tags, refused, errors
    return count, data, spliced, tags, refused, errors


_GAZ: dict[tuple, Gazetteer] = {}


def _gazetteer(register: Path, hiding: str | None = None) -> Gazetteer:
    from .fileio import file_sha256

    key = (str(register), file_sha256(register))      # content, as every cache of the toolkit
    if key not in _GAZ:
        _GAZ.clear()
        _GAZ[key] = Gazetteer(register, None if hiding is None else hiding.split("\n") if hiding else [])
    return _GAZ[key]


def _enrich_job(job: tuple) -> tuple:
    path, register, remembered, minimal, hiding = job
    return enrich_bytes(Path(path), _gazetteer(Path(register), hiding), remembered, minimal)


def enrich(project, files=(), state=None, messages: list | None = None) -> list[tuple[Path, int]]:
    """Enrich the named files (default: every text in tei/), in parallel. With a
    BuildState, files unchanged since the last enrichment with the same register are
    skipped."""
    from .buildstate import digest
    from .fileio import file_sha256, sha256
    from .parallel import imap

    register = project.register
    if not register.exists():
        raise TreatyError(register, "missing: the register of persons, places and organisations is needed to enrich")
    gaz = _gazetteer(register)
    if gaz.conflicts:
        raise TreatyError(register, "the same name belongs to two entries: " + "; ".join(gaz.conflicts))
    paths = [Path(f) for f in files] if files else [p for p in project.tei_files()
                                                    if p.name != "register.xml" and ".apparatus." not in p.name]
    reg = digest(register)
    todo = [p for p in paths if state is None or state.get("enrich", p.name) != [file_sha256(p), reg]]
    fp = Fingerprints(project.tei)
    out = []
    remembered = {p.name: (fp.entries.get(p.name, {}).get("tags", []), fp.entries.get(p.name, {}).get("refused", []))
                  for p in todo}
    # files are enriched on every core while the finished ones are written beside their
    # targets; all are put in place together once every file is done
    # a file an editor may have touched gets its additions spliced into its own bytes; one
    # exactly as the toolkit wrote it is simply written anew (the same form, cheaper)
    hiding = "\n".join(gaz.hiding)          # the workers need not read the word list again
    jobs = [(str(p), str(register), remembered[p.name], fp.state(p.name) != "pristine", hiding) for p in todo]
    with closing(imap(_enrich_job, jobs, "enrich")) as results, \
            Staged() as staged:
        for p, (count, data, spliced, tags, refused, date_errors) in zip(todo, results):
            if messages is not None:
                for line, col, words, msg in date_errors:
                    messages.append(f"{p.relative_to(project.root) if p.is_relative_to(project.root) else p}:{line}:{col}: "
                                    f"date not converted: \"{words}\": {msg}")
            state_before = fp.state(p.name)
            backup = None
            if data is not None:
                if not spliced and state_before != "pristine" and p.parent.resolve() == project.tei.resolve():
                    # the additions could not be spliced into the editor's own bytes
                    backup = fp.backup(p.name)
                if state_before == "pristine":
                    fp.record(p.name, data)
                staged.add(p, data)
            if tags or refused or p.name in fp.entries:
                entry = fp.entries.setdefault(p.name, {})
                entry["tags"], entry["refused"] = tags, refused
            out.append((p, count, data, backup))
        staged.commit()
    if state is not None:
        for p, _, data, _ in out:
            state.put("enrich", p.name, [sha256(data) if data is not None else file_sha256(p), reg])
    backups = [(p, b) for p, _, _, b in out if b is not None]
    out = [(p, count) for p, count, _, _ in out]
    fp.save()
    for p, b in backups:
        if messages is not None:
            messages.append(f"backup: {p.name}: the new markup could not be added without rewriting the file; "
                            f"the file as it was is kept in {b.relative_to(project.tei.parent)}")
    return out
