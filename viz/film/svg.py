"""A film's scene as SVG text: the page's picture (``film.js`` then changes its shapes
frame by frame, found by their ids) and the live view's, one frame at a time."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from viz.common.png import png_data_uri
from viz.common.text import printable
from viz.film.scene import Dot, Image, Path, Rect, Scene, Shape, Text
from viz.film.style import FONT

if TYPE_CHECKING:
    from viz.film.picture import Picture

__all__ = ["scene_svg", "composed_svg", "composition", "GAP"]

GAP = 12.0   # between the network and the panels, side by side


def _attr(value: object) -> str:
    return html.escape(printable(str(value)), quote=True)


def _common(shape: Shape) -> str:
    out = f' id="{_attr(shape.id)}"' if shape.id else ""
    out += f' class="{_attr(shape.cls)}"' if shape.cls else ""
    return out + ("" if shape.display else ' display="none"')


def _path_d(shape: Path) -> str:
    p = shape.points
    if shape.curve and len(p) == 4:
        return f"M{p[0][0]:g} {p[0][1]:g}C{p[1][0]:g} {p[1][1]:g} {p[2][0]:g} {p[2][1]:g} " \
               f"{p[3][0]:g} {p[3][1]:g}"
    return "M" + "L".join(f"{x:g} {y:g}" for x, y in p)


def shape_svg(shape: Shape) -> str:
    if isinstance(shape, Rect):
        title = f"<title>{_attr(shape.title)}</title>" if shape.title else ""
        return (f'<rect{_common(shape)} x="{shape.x:g}" y="{shape.y:g}" '
                f'width="{shape.width:g}" height="{shape.height:g}" rx="{shape.rx:g}" '
                f'fill="{shape.fill}" stroke="{shape.stroke}" '
                f'stroke-width="{shape.stroke_width:g}">{title}</rect>')
    if isinstance(shape, Path):
        dash = f' stroke-dasharray="{shape.dash}"' if shape.dash else ""
        return (f'<path{_common(shape)} d="{_path_d(shape)}" fill="none" '
                f'stroke="{shape.stroke}" stroke-width="{shape.stroke_width:g}" '
                f'stroke-opacity="{shape.opacity:g}"{dash}/>')
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        return (f'<text{_common(shape)} x="{shape.x:g}" y="{shape.y:g}" '
                f'font-size="{shape.size:g}" text-anchor="{shape.anchor}" '
                f'fill="{shape.fill}"{weight}>{_attr(shape.text)}</text>')
    if isinstance(shape, Image):
        return (f'<image{_common(shape)} x="{shape.x:g}" y="{shape.y:g}" '
                f'width="{shape.width:g}" height="{shape.height:g}" '
                f'preserveAspectRatio="none" href="{png_data_uri(shape.pixels)}"/>')
    if isinstance(shape, Dot):
        return (f'<circle{_common(shape)} cx="{shape.cx:g}" cy="{shape.cy:g}" r="{shape.r:g}" '
                f'fill="{shape.fill}" stroke="{shape.stroke}" '
                f'stroke-width="{shape.stroke_width:g}"/>')
    raise TypeError(f"not a shape: {type(shape).__name__}")


def scene_svg(scene: Scene, shapes: list[Shape] | None = None, ident: str = "") -> str:
    """The scene (or these ``shapes`` on its canvas, e.g. ``scene.applied(changes)``)."""
    body = "\n".join(shape_svg(s) for s in (scene.shapes if shapes is None else shapes))
    name = f' id="{_attr(ident)}"' if ident else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg"{name} '
            f'viewBox="0 0 {scene.width:g} {scene.height:g}" width="{scene.width:g}" '
            f'height="{scene.height:g}" preserveAspectRatio="xMinYMin meet" '
            f'font-family="{FONT}">\n{body}\n</svg>')


def composition(picture: Picture) -> tuple[float, float, float]:
    """Where the panels sit beside the network (their x) and the whole picture's width
    and height: the network at x = 0, the panels ``GAP`` to its right, both at the top."""
    net, side = picture.network.scene, picture.panels.scene
    return net.width + GAP, net.width + GAP + side.width, max(net.height, side.height)


def composed_svg(picture: Picture, f: int | None = None) -> str:
    """The network and the panels side by side on white, as one SVG (the live view's
    still, ``viz.film.raster``'s picture): frame ``f``'s changes applied, or with no
    ``f`` the shapes as drawn (the last frame)."""
    net, side = picture.network.scene, picture.panels.scene
    net_shapes, side_shapes = None, None
    if f is not None:
        net_changes, side_changes = picture.changes(f)
        net_shapes, side_shapes = net.applied(net_changes), side.applied(side_changes)
    x, width, height = composition(picture)
    inner_net = scene_svg(net, net_shapes).replace("<svg ", '<svg x="0" y="0" ', 1)
    inner_side = scene_svg(side, side_shapes).replace("<svg ", f'<svg x="{x:g}" y="0" ', 1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
            f'width="{width:g}" height="{height:g}"><rect width="{width:g}" '
            f'height="{height:g}" fill="#ffffff"/>{inner_net}{inner_side}</svg>')
