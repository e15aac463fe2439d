"""Pictures on a page: a content image in a section, or a logo / image panel of the layout, at
the size and alignment the layout gives. The placed size is decided here, so the print
resolution is checked here too, naming the picture's file and the line that names it."""
from __future__ import annotations

from dataclasses import dataclass, field

from posterdeck.errors import InputError
from posterdeck.pagemodel import FAIL_PPI, PRINT_PPI, Image

MM = 72 / 25.4


@dataclass
class PictureBlock:
    """``spec`` (schema.layout.PictureSpec or None): height or width as points or 'share:F', and
    the alignment. Without a size the picture fills its width and may shrink to the chart minimum
    (a section's image); a sized picture keeps its size unless its room is smaller. ``middle``
    centres it vertically in its room (panels in a band); ``warnings`` collects resolution warnings."""

    image: object  # resolve.visuals.RImage
    ctx: object  # compose.blocks.Ctx
    spec: object = None
    middle: bool = False
    warnings: list = field(default_factory=list)
    backdrop: str = "background"  # the theme colour the picture stands on

    def _size(self, width: float, room: float | None) -> tuple[float, float]:
        aspect = self.image.aspect
        spec = self.spec
        if spec is not None and spec.width is not None:
            w = _length(spec.width, width)
        elif spec is not None and spec.height is not None:
            h = _length(spec.height, room) if room is not None or not isinstance(spec.height, str) else 0.0
            w = h / aspect
        else:
            w = width
        w = min(w, width)
        if room is not None and w * aspect > room:
            w = room / aspect
        return w, w * aspect

    @property
    def stretch(self) -> bool:
        """A picture sized as a share of its room's height takes the room its column is given."""
        spec = self.spec
        return spec is not None and spec.width is None and isinstance(spec.height, str)

    def pref_height(self, width: float, scale: float) -> float:
        return self._size(width, None)[1]

    def min_height(self, width: float, scale: float) -> float:
        if self.spec is None or (self.spec.width is None and self.spec.height is None):
            return min(self.pref_height(width, scale), self.ctx.layout.chart_min_height)
        return self.pref_height(width, scale)

    def place(self, x, y, width, h, scale) -> list:
        w, ih = self._size(width, h)
        align = self.spec.align if self.spec is not None else "center"
        px = x + {"left": 0.0, "center": (width - w) / 2, "right": width - w}[align]
        py = y + (h - ih) / 2 if self.middle else y
        self._check_resolution(w, ih)
        return [Image(px, py, w, ih, self.image.path, self.image.alt, name=f"image:{self.image.id}",
                      backdrop=self.backdrop)]

    def _check_resolution(self, w: float, h: float) -> None:
        if self.ctx.layout.print is None or w <= 0 or not self.image.pixels[0]:
            return  # screen layouts: any resolution will do
        px_w, px_h = self.image.pixels
        ppi = min(px_w / (w / 72), px_h / (h / 72))
        if ppi >= PRINT_PPI:
            return
        need = f"{round(w / 72 * PRINT_PPI)} x {round(h / 72 * PRINT_PPI)} pixels"
        message = (f"image {self.image.file} is {ppi:.0f} ppi at its placed size ({w / MM:.0f} x {h / MM:.0f} mm, "
                   f"{px_w} x {px_h} pixels); print needs {PRINT_PPI} ppi")
        if ppi < FAIL_PPI:
            raise InputError(message + f" and fails under {FAIL_PPI}", self.image.where,
                             hint=f"use a larger file (at least {need}), or give the picture a smaller size in the layout")
        text = f"{self.image.where}: {message} ({need} would do)"
        if text not in self.warnings:
            self.warnings.append(text)

    def text(self) -> str:
        return ""


def _length(value, room: float | None) -> float:
    """A size of the layout: points, or 'share:F' of ``room``."""
    if isinstance(value, str):
        return float(value.split(":", 1)[1]) * (room or 0.0)
    return float(value)
