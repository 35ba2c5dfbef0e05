"""treatytei: a TEI P5 edition of Qing–Russian treaty texts and the toolkit that builds it.

Data flows one way: sources/ -> readers -> tei/ -> enrich -> collate -> validate
-> publish (site/, PDF) -> package (dist/). TEI is the only document model between
steps; each step lives in its own module and the CLI only wires them together.
"""

__version__ = "0.1.0"
