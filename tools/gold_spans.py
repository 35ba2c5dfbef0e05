"""Turn a hand-written, ordered list of mentions into the gold TSV with spans.

    python tools/gold_spans.py tei/<id>.xml mentions.txt > tests/gold/<id>.tsv

mentions.txt: one mention per line, in reading order: surface text, type, target
(tab-separated). Each is located at its first occurrence after the previous
mention's start in the text's annotation text (see treatytei.evaluate); nested
mentions (a date inside a date) are listed outer first.
"""

import sys

from treatytei.evaluate import annotation_text_and_mentions
from treatytei.tei import parse_file


def main(tei: str, mentions: str) -> None:
    text, _ = annotation_text_and_mentions(parse_file(tei).getroot())
    print("# start\tend\ttype\ttarget\ttext  (offsets into the annotation text; hand-made gold)")
    pos = 0
    for line in open(mentions, encoding="utf-8"):
        if not line.strip():
            continue
        surface, typ, target = line.rstrip("\n").split("\t")
        at = text.find(surface, pos)
        if at < 0:
            sys.exit(f"{mentions}: {surface!r} not found after offset {pos}")
        print(f"{at}\t{at + len(surface)}\t{typ}\t{target}\t{surface}")
        pos = at + 1


if __name__ == "__main__":
    main(*sys.argv[1:])
