"""Builds world.svg and centroids.json from Natural Earth (see README.md). Run by hand, not at run time:

python build.py ne_110m_admin_0_countries.json ne_10m_admin_0_label_points.json
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

from django.conf import settings

settings.configure(USE_I18N=False)
from django_countries import countries  # noqa: E402 - needs settings

HERE = Path(__file__).parent
WIDTH, HEIGHT = 1000, 500  # equirectangular: 1000 units for 360 degrees
ALPHA3 = {countries.alpha3(country.code): country.code for country in countries}


def project(lon: float, lat: float) -> tuple[float, float]:
    return round((lon + 180) * WIDTH / 360, 1), round((90 - lat) * HEIGHT / 180, 1)


def ring_path(ring) -> str:
    points = []
    for lon, lat in ring:
        point = project(lon, lat)
        if not points or points[-1] != point:
            points.append(point)
    return "M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z"


def polygons(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def ring_area_centroid(ring) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    return (abs(area), cx / (6 * area), cy / (6 * area)) if area else (0.0, ring[0][0], ring[0][1])


def code_of(properties) -> str | None:
    code = properties.get("ISO_A2")
    if code and code != "-99":
        return code
    return ALPHA3.get(properties.get("ADM0_A3"))


def main(countries_file: str, label_points_file: str) -> None:
    shapes = json.loads(Path(countries_file).read_text())["features"]
    paths, centroids = [], {}
    for feature in shapes:
        code = code_of(feature["properties"])
        if not code:
            continue
        rings = [polygon[0] for polygon in polygons(feature["geometry"])]
        d = "".join(ring_path(ring) for ring in rings)
        paths.append(f'<path id="country-{code}" d="{d}"/>')
        _, lon, lat = max(ring_area_centroid(ring) for ring in rings)  # the largest land mass
        centroids[code] = [round(lon, 2), round(lat, 2)]
    # Countries too small for the 1:110m shapes: the mean of their label points at 1:10m.
    points = defaultdict(list)
    for feature in json.loads(Path(label_points_file).read_text())["features"]:
        code = ALPHA3.get(feature["properties"].get("sr_su_a3")) or ALPHA3.get(
            feature["properties"].get("sr_adm0_a3")
        )
        if code and code not in centroids:
            points[code].append(feature["geometry"]["coordinates"])
    for code, coordinates in points.items():
        centroids[code] = [
            round(sum(c[0] for c in coordinates) / len(coordinates), 2),
            round(sum(c[1] for c in coordinates) / len(coordinates), 2),
        ]
    (HERE / "world.svg").write_text(f'<g class="countries">{"".join(sorted(paths))}</g>\n')
    (HERE / "centroids.json").write_text(
        json.dumps(dict(sorted(centroids.items())), separators=(",", ":")) + "\n"
    )
    missing = sorted(set(ALPHA3.values()) - set(centroids))
    print(f"{len(paths)} shapes, {len(centroids)} centroids; no place for: {' '.join(missing)}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
