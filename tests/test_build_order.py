"""The order of a target's rendering (api.build_target) may change for speed, never which error
a failing target reports: the first in the order PPTX, poster.pdf (and its preflight),
poster-screen.pdf, deck.pdf, then the PDF/UA-1 checks of poster-screen.pdf and deck.pdf."""
from __future__ import annotations

import pytest

from conftest import DECK_DIR, TARGET


@pytest.fixture
def failing(monkeypatch):
    """fail(name, where): make ``where`` ("ua" or "paint") fail for the output ``name``."""
    from posterdeck import api
    from posterdeck.errors import PrintError
    from posterdeck.finish import ua

    real_ua, real_pdf = ua.require_ua, api.pdf_file
    bad: set = set()

    def require_ua(data, label):
        name = label.rsplit("/", 1)[-1]
        if ("ua", name) in bad:
            raise PrintError(f"{name}: UA failed")
        return real_ua(data, label)

    def pdf_file(doc, mode="screen", charts=None):
        name = "deck.pdf" if doc.master is not None else "poster.pdf" if mode == "print" else "poster-screen.pdf"
        if ("paint", name) in bad:
            raise PrintError(f"{name}: painting failed")
        return real_pdf(doc, mode, charts)

    monkeypatch.setattr(ua, "require_ua", require_ua)
    monkeypatch.setattr(api, "pdf_file", pdf_file)
    return lambda name, where: bad.add((where, name))


def test_every_output_checked_passes(tmp_path, demo_model, failing):
    from posterdeck import api

    result = api.build_target(demo_model, TARGET, tmp_path)
    assert [p.name for p in result.files] == ["poster.pdf", "poster-screen.pdf", "deck.pptx", "deck.pdf"]


@pytest.mark.parametrize("fails, reported", [
    ([("poster-screen.pdf", "ua"), ("deck.pdf", "ua")], "poster-screen.pdf: UA failed"),
    ([("deck.pdf", "ua")], "deck.pdf: UA failed"),
    ([("poster-screen.pdf", "ua"), ("deck.pdf", "paint")], "deck.pdf: painting failed"),
    ([("poster-screen.pdf", "paint"), ("deck.pdf", "ua")], "poster-screen.pdf: painting failed"),
])
def test_the_first_failure_in_the_order_is_reported_and_nothing_is_written(tmp_path, demo_model, failing,
                                                                          fails, reported):
    from posterdeck import api
    from posterdeck.errors import PrintError

    for name, where in fails:
        failing(name, where)
    with pytest.raises(PrintError) as info:
        api.build_target(demo_model, TARGET, tmp_path)
    assert reported in str(info.value)
    assert not (tmp_path / DECK_DIR.name / TARGET).exists()
