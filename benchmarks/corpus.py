"""A synthetic edition of N treaty-like sources, derived from the real ones.

Each generated treaty takes the header layout of the 1727 texts, a date between 1689 and
1911, parties from the register, and 3-11 articles drawn (shuffled, recombined) from the
articles of witnesses A and B; place and person names are swapped for others from the
register; the whole text is converted to traditional or simplified characters. Sources
come in pairs that share a work (sigla A and B): the second of a pair is the first with
the changes a variant text shows (another script, variant characters, phrases dropped or
reworded), so collation has real work. Every fifth source is a Markdown article made from
the Wikipedia article's sections, shuffled. Everything is seeded: the same N gives the
same corpus.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from treatytei.chinese import to_simplified, to_traditional  # noqa: E402
from treatytei.tei import NS, parse_file  # noqa: E402

ARTICLE_RE = re.compile(r"^([一二三四五六七八九十百]+)、")
CN = "一二三四五六七八九"


def cn(n: int) -> str:
    if n < 10:
        return CN[n - 1]
    if n < 20:
        return "十" + (CN[n % 10 - 1] if n % 10 else "")
    return CN[n // 10 - 1] + "十" + (CN[n % 10 - 1] if n % 10 else "")


def _paragraphs(path: Path) -> tuple[list[str], list[str]]:
    text = path.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    head = blocks[0].split("\n")
    body = [line for b in blocks[1:] for line in b.split("\n") if line.strip()]
    return head, body


def _names(register: Path) -> tuple[list[str], list[str]]:
    root = parse_file(register).getroot()
    places = [n.text for n in root.xpath("//tei:place/tei:placeName[@xml:lang='zh-Hans']", namespaces=NS) if n.text and len(n.text) >= 2]
    orgs = [n.text for n in root.xpath("//tei:org/tei:orgName[@xml:lang='zh-Hans']", namespaces=NS) if n.text]
    return sorted(set(places)), sorted(set(orgs))


def _swap_names(text: str, places: list[str], rng: random.Random) -> str:
    present = [p for p in places if to_simplified(p) in to_simplified(text)]
    for p in rng.sample(present, min(len(present), 4)):
        text = text.replace(p, rng.choice(places))
    return text


def _variant_of(text: str, rng: random.Random) -> str:
    """What a second witness does to a text: drop or reword a phrase here and there,
    use variant characters, punctuate differently."""
    out = []
    for clause in re.split(r"(?<=[,，;；。])", text):
        r = rng.random()
        if r < 0.06 and len(clause) > 6:
            continue                                   # omission
        if r < 0.12:
            clause = clause.replace("之", "", 1)        # small difference
        if r < 0.16:
            clause = clause.replace(",", "，")
        if r < 0.20:
            clause = clause.replace("拿", "拏").replace("往", "徃")
        out.append(clause)
    return "".join(out)


def make(dest: Path, n: int, seed: int = 1727) -> Path:
    """Write a project with n generated sources into dest (sources/, tei/register.xml,
    schema/, xslt/) and return dest."""
    rng = random.Random(seed)
    src = ROOT / "sources"
    a_head, a_body = _paragraphs(src / "zh-wikisource-kyakhta-treaty-1727.txt")
    b_head, b_body = _paragraphs(src / "zh-wikisource-khalkha-trade-treaty-1727.txt")
    pool = [ARTICLE_RE.sub("", p) for p in a_body + b_body if ARTICLE_RE.match(p)]
    preamble = [p for p in a_body if not ARTICLE_RE.match(p)]
    md = (src / "zh-wikipedia-tacheng-protocol-1864.md").read_text(encoding="utf-8")
    md_head, _, md_rest = md.partition("\n## ")
    md_sections = ["## " + s for s in md_rest.split("\n## ")]
    places, orgs = _names(ROOT / "tei" / "register.xml")

    if dest.exists():
        shutil.rmtree(dest)
    (dest / "sources").mkdir(parents=True)
    (dest / "tei").mkdir()
    for folder in ("schema", "xslt"):
        shutil.copytree(ROOT / folder, dest / folder)
    shutil.copy(ROOT / "tei" / "register.xml", dest / "tei" / "register.xml")
    entries = []
    i = 0
    while i < n:
        if i % 5 == 4:
            sections = md_sections[:]
            rng.shuffle(sections)
            text = _swap_names(md_head + "\n" + "\n".join(sections), places, rng)
            name = f"synthetic-article-{i:04d}"
            (dest / "sources" / f"{name}.md").write_text(text, encoding="utf-8")
            entries.append(dict(id=name, file=f"{name}.md", format="wikipedia-markdown", title=f"合成条目{i}",
                                script="Hans", url=f"https://example.org/{name}", licence="CC BY-SA 4.0 (test corpus)"))
            i += 1
            continue
        year = rng.randint(1689, 1911)
        date = f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        parties = f"{rng.choice(orgs)}、{rng.choice(orgs)}"
        arts = rng.sample(pool, rng.randint(3, min(11, len(pool))))
        body = []
        if rng.random() < 0.5:
            body.append(_swap_names(preamble[0], places, rng))
        body += [f"{cn(k + 1)}、{_swap_names(a, places, rng)}" for k, a in enumerate(arts)]
        note = rng.choice([a_head[3], b_head[4]])
        work = f"synthetic-work-{i // 2:04d}"
        for sig in ("A", "B"):
            if i >= n:
                break
            hant = (sig == "A") == (rng.random() < 0.8)
            texts = body if sig == "A" else [_variant_of(p, rng) if k else p for k, p in enumerate(body)]
            conv = to_traditional if hant else to_simplified
            title = f"{'恰克圖' if hant else '恰克图'}合成約{i}"
            lines = [f"条约 {conv(title)} 清朝", conv(parties), date, conv(note), ""] + [conv(t) + "\n" for t in texts]
            name = f"synthetic-treaty-{i:04d}"
            (dest / "sources" / f"{name}.txt").write_text("\n".join(lines), encoding="utf-8")
            entries.append(dict(id=name, file=f"{name}.txt", format="wikisource-treaty", title=conv(title),
                                script="Hant" if hant else "Hans", siglum=sig, work=work,
                                url=f"https://example.org/{name}", licence="public domain (test corpus)"))
            i += 1
    toml = ["# generated by benchmarks/corpus.py"]
    for e in entries:
        toml.append("\n[[source]]")
        toml += [f'{k} = "{v}"' for k, v in e.items()]
    (dest / "sources" / "sources.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    return dest


if __name__ == "__main__":
    out = make(Path(sys.argv[1]), int(sys.argv[2]))
    print(f"{out}: {len(list((out / 'sources').glob('synthetic-*')))} sources")
