"""Colour for print: theme colours keep their exact CMYK values, neutral greys become K only,
other RGB colours a plain conversion (or an ICC transform where a profile is given)."""
from __future__ import annotations

import hashlib
import io

import pikepdf

from posterdeck.finish.content import COLOUR_OPS, Memo, State, Stream, Walker, resource_dicts

OPS = {"rg": "k", "RG": "K"}
GREY_OPS = {"g": "k", "G": "K"}


def hex_to_rgb(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))


class CmykMap:
    """RGB -> CMYK (0-1): exact for the theme's colours, K-only for neutrals, and for any other
    colour an ICC transform (sRGB -> the layout's CMYK output profile) or, with no profile, the
    plain formula."""

    def __init__(self, colours: dict, icc_profile: str = ""):
        self.exact = [(hex_to_rgb(c.rgb), tuple(v / 100 for v in c.cmyk)) for c in colours.values()]
        self.icc_profile = icc_profile
        self._cache: dict = {}

    def __call__(self, r: float, g: float, b: float) -> tuple[float, float, float, float]:
        for rgb, cmyk in self.exact:
            if max(abs(rgb[0] - r), abs(rgb[1] - g), abs(rgb[2] - b)) <= 1.5 / 255:
                return cmyk
        if max(r, g, b) - min(r, g, b) <= 1.5 / 255:
            return (0.0, 0.0, 0.0, round(1 - (r + g + b) / 3, 4))
        if self.icc_profile:
            key = (round(r * 255), round(g * 255), round(b * 255))
            if key not in self._cache:
                self._cache[key] = icc_cmyk(key, self.icc_profile)
            return self._cache[key]
        k = 1 - max(r, g, b)
        if k >= 1:
            return (0.0, 0.0, 0.0, 1.0)
        return tuple(round(v, 4) for v in ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k))


def icc_cmyk(rgb: tuple[int, int, int], profile: str) -> tuple[float, float, float, float]:
    """One sRGB colour through an ICC transform to the CMYK output profile (LittleCMS via Pillow)."""
    from PIL import Image, ImageCms

    pixel = Image.new("RGB", (1, 1), rgb)
    out = ImageCms.profileToProfile(pixel, ImageCms.createProfile("sRGB"), profile, outputMode="CMYK")
    return tuple(round(v / 255, 4) for v in out.getpixel((0, 0)))


def image_to_cmyk(im, profile: str = ""):
    """A picture in CMYK: through the output profile when there is one, else Pillow's formula."""
    if profile:
        from PIL import ImageCms

        return ImageCms.profileToProfile(im.convert("RGB"), ImageCms.createProfile("sRGB"), profile,
                                         outputMode="CMYK")
    return im.convert("CMYK")


class _ToCmyk(Walker):
    """Rewrites rg/RG (and grey g/G) operators as k/K, and RGB colour spaces as CMYK, in pages
    and every form they paint (each once)."""

    once = True
    follows = COLOUR_OPS | {"q", "Q"}  # what it reads: the colour spaces
    hooked = COLOUR_OPS - {"k", "K"}

    def __init__(self, pdf: pikepdf.Pdf, cmyk: CmykMap):
        super().__init__(pdf)
        self.cmyk = cmyk

    def operator(self, op: str, operands, st: State, stream: Stream) -> list | None:
        cmyk = self.cmyk
        if op in OPS:
            c = cmyk(*(float(v) for v in operands))
            return [pikepdf.ContentStreamInstruction([round(v, 4) for v in c], pikepdf.Operator(OPS[op]))]
        if op in GREY_OPS and len(operands) == 1:
            # matplotlib writes neutral colours (its text, black) as grey: through the same map, so
            # the theme's near-black text colour is solid K and white stays no ink
            v = float(operands[0])
            c = cmyk(v, v, v)
            return [pikepdf.ContentStreamInstruction([round(x, 4) for x in c], pikepdf.Operator(GREY_OPS[op]))]
        if op in ("cs", "CS") and operands and str(operands[0]) == "/DeviceRGB":
            return [pikepdf.ContentStreamInstruction([pikepdf.Name("/DeviceCMYK")], pikepdf.Operator(op))]
        if op in ("sc", "scn", "SC", "SCN") and len(operands) == 3 \
                and (st.fill_space if op.islower() else st.stroke_space) == "/DeviceRGB":
            c = cmyk(*(float(v) for v in operands))
            return [pikepdf.ContentStreamInstruction([round(v, 4) for v in c], pikepdf.Operator(op))]
        return None


# (the chart PDF's SHA-256, the colours, the profile and its SHA-256) -> chart_to_cmyk's PDF: the
# same charts come back in the targets of a language (6 chart PDFs in the demo's 20 targets)
_CONVERTED = Memo(4 << 20)


def chart_to_cmyk(data: bytes, colours: dict, icc_profile: str = "") -> bytes:
    """A matplotlib chart PDF with every colour in CMYK and no alpha keys in its graphics states."""
    from posterdeck.cache import file_hash

    try:
        key = (hashlib.sha256(data).digest(), tuple((c.rgb, tuple(c.cmyk)) for c in colours.values()), icc_profile,
               file_hash(icc_profile) if icc_profile else "")
    except OSError:  # a profile that cannot be read: converted (and reported) as without the memo
        return _to_cmyk(data, colours, icc_profile)
    done = _CONVERTED.get(key)
    if done is None:
        done = (_to_cmyk(data, colours, icc_profile),)
        _CONVERTED.put(key, done)
    return done[0]


def _to_cmyk(data: bytes, colours: dict, icc_profile: str) -> bytes:
    cmyk = CmykMap(colours, icc_profile)
    pdf = pikepdf.open(io.BytesIO(data))
    _ToCmyk(pdf, cmyk).pages()
    for res in resource_dicts(pdf):
        for gs in res.get("/ExtGState", pikepdf.Dictionary()).values():
            for key in ("/CA", "/ca"):
                if key in gs and float(gs[key]) >= 1:
                    del gs[key]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


class CmykCharts:
    """The charts of a print document as the painter takes them: ``charts`` (anything whose
    result() is the charts' PDF) converted to CMYK (chart_to_cmyk) when the painter asks."""

    def __init__(self, charts, colours: dict, icc_profile: str = ""):
        self.charts, self.colours, self.icc_profile = charts, colours, icc_profile

    def result(self) -> bytes:
        return chart_to_cmyk(self.charts.result(), self.colours, self.icc_profile)
