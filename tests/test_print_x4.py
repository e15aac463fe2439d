"""PDF/X-4 with a CMYK output profile of the user's own (here: Ghostscript's default_cmyk.icc,
which the CI machine installs with ghostscript; posterdeck ships no profile)."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, require_tool

PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@pytest.fixture(scope="module")
def x4_poster(tmp_path_factory):
    require_tool("gs")
    if not PROFILE.is_file():
        pytest.fail(f"{PROFILE} missing: it comes with Debian's ghostscript (libgs-common)")
    from posterdeck import api

    project = tmp_path_factory.mktemp("x4")
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "layouts", project / "layouts")
    layout = project / "layouts" / "poster-a1-landscape.yaml"
    text = layout.read_text(encoding="utf-8").replace("    standard: x1a\n", f"    standard: x4\n    icc_profile: {PROFILE}\n")
    layout.write_text(text, encoding="utf-8")
    # the profile lies outside the project: allowed explicitly, as --allow-outside does
    results = api.build(project / "data" / "aurora-fictional", out=project / "out", allow_outside=(PROFILE.parent,))
    return results[0].files[0].read_bytes()


def test_x4_poster_passes_the_x4_preflight(x4_poster):
    from posterdeck.finish.preflight import preflight

    report = preflight(x4_poster, "x4")
    assert report.errors == [], [str(f) for f in report.errors]


def test_x4_poster_embeds_the_profile_and_identifies_itself_in_xmp(x4_poster):
    pdf = pikepdf.open(io.BytesIO(x4_poster))
    assert pdf.pdf_version == "1.6"
    intent = pdf.Root.OutputIntents[0]
    assert intent.S == "/GTS_PDFX"
    assert int(intent.DestOutputProfile.N) == 4
    assert intent.DestOutputProfile.read_bytes() == PROFILE.read_bytes()
    xmp = pdf.Root.Metadata.read_bytes()
    assert b"GTS_PDFXVersion" in xmp and b"PDF/X-4" in xmp


def test_x1a_preflight_of_the_x4_file_fails_on_its_version(x4_poster):
    from posterdeck.finish.preflight import preflight

    rules = {f.rule for f in preflight(x4_poster, "x1a").errors}
    assert "version" in rules


def test_a_missing_profile_is_an_error_at_the_layout_line(project_copy):
    layout = project_copy.root / "layouts" / "poster-a0-portrait.yaml"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("    standard: x1a\n", "    standard: x4\n    icc_profile: nowhere/printer.icc\n"),
                      encoding="utf-8")
    line = next(i for i, ln in enumerate(layout.read_text(encoding="utf-8").splitlines(), 1) if "icc_profile" in ln)
    res = project_copy.cli("check", "data/inovate-salvage")
    assert res.returncode == 1
    assert f"poster-a0-portrait.yaml:{line}" in res.stderr and "ICC profile not found" in res.stderr
    assert "hint:" in res.stderr
