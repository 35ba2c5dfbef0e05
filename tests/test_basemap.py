"""The places map's base layers (treatytei.basemap): TopoJSON decoded, drawn in the map's
projection, cut to the map. Fast: a hand-made TopoJSON, no files."""

from __future__ import annotations

import re

from treatytei.basemap import bbox, layers_svg

# two countries sharing one border arc (0) each with a coast arc of its own (1, 2), a
# river (3) and land (1 and 2); quantised: scale 1 degree, translate (100, 40)
TOPO = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [100, 40]},
    "arcs": [
        [[5, 0], [0, 10]],                 # (105, 40) -> (105, 50): the border
        [[5, 10], [-5, 0], [0, -10], [5, 0]],   # (105, 50) -> (100, 50) -> (100, 40) -> (105, 40)
        [[5, 0], [5, 0], [0, 10], [-5, 0]],     # (105, 40) -> (110, 40) -> (110, 50) -> (105, 50)
        [[1, 1], [2, 2], [60, 0]],         # a river running far out of the map to the east
    ],
    "objects": {
        "countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]]},
            {"type": "Polygon", "arcs": [[2, -1]]}]},
        "land": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[1, 2]]}]},
        "rivers": {"type": "GeometryCollection", "geometries": [{"type": "LineString", "arcs": [3]}]},
        "lakes": {"type": "GeometryCollection", "geometries": []},
    },
}


def points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+) (-?[\d.]+)", d)]


def test_the_map_is_whole_five_degrees_around_the_points_with_a_margin():
    assert bbox([(50.35, 106.45), (51.98, 116.58)]) == (100, 120, 45, 55)
    assert bbox([]) is None


def test_layers_in_the_maps_projection():
    svg = layers_svg(TOPO, (100, 110, 40, 50), k=12)
    paths = dict(re.findall(r'class="(bm-[a-z]+)" d="([^"]*)"', svg))
    # land: a closed shape; (100, 50) is the map's top left corner, (110, 40) its bottom right
    land = points(paths["bm-land"])
    assert (0.0, 0.0) in land and (120.0, 120.0) in land and paths["bm-land"].endswith("Z")
    # the border is the one arc the two countries share, drawn once, not their coasts
    assert points(paths["bm-border"]) == [(60.0, 120.0), (60.0, 0.0)]
    # a line leaving the map (and its margin) is cut there
    river = points(paths["bm-river"])
    assert river[0] == (12.0, 108.0) and max(x for x, _ in river) <= 120 + 24


def test_a_shape_reaching_past_the_map_is_pulled_onto_its_margin():
    svg = layers_svg(TOPO, (100, 105, 45, 50), k=12)
    land = points(dict(re.findall(r'class="(bm-[a-z]+)" d="([^"]*)"', svg))["bm-land"])
    assert all(-24 <= x <= 60 + 24 and -24 <= y <= 60 + 24 for x, y in land)
