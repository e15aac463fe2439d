"""Statements that belong to a product stay with the product: a content statement may be for some
markets only (markets: [FR]), and a market statement's {{ link.NAME }} takes the deck's link, or
is an error naming the statement when no one gives it (an audit found a pembrolizumab deck
printing BESPONSA's French internal reference from the shared market file)."""
from __future__ import annotations

import shutil

from conftest import DATA, DECK, norm, pdftotext_pages, read_yaml


def test_shared_markets_name_no_product(tmp_path):
    """What a country asks of every product lives in shared/markets; nothing there names one."""
    for path in (DATA / "shared" / "markets").glob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
        for product in ("besponsa", "ino-", "inotuzumab", "dapagliflozin", "forxiga"):
            assert product not in body, f"{path.name} names {product}"


def test_a_market_only_statement_shows_in_its_market_only(project_copy):
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    model = load_deck(project_copy.deck)
    shown = {tag: {st.id for st in resolve(model, make_target(tag, model.info, model.markets)).statements}
             for tag in ("fr-FR", "nl-NL", "de-DE")}
    assert "reference" in shown["fr-FR"] and "reference" not in shown["nl-NL"] | shown["de-DE"]
    assert {"cgr", "smpc_link"} <= shown["nl-NL"] and not {"cgr", "smpc_link"} & shown["fr-FR"]


def test_another_deck_in_the_same_market_does_not_get_the_products_statements(tmp_path):
    from posterdeck import api

    project = tmp_path / "p"
    shutil.copytree(DATA, project / "data")
    shutil.copytree(DATA.parent / "layouts", project / "layouts")
    deck = project / "data" / "dapa-hf" / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("targets: [en-GB, de-DE]", "targets: [fr-FR]"),
                    encoding="utf-8")
    api.build(project / "data" / "dapa-hf", out=tmp_path / "out")
    text = norm(" ".join(pdftotext_pages(tmp_path / "out" / "dapa-hf" / "fr-FR" / "deck.pdf")))
    assert "INO-FR" not in text and "BESPONSA" not in text


def test_a_statement_link_no_one_gives_is_an_error_at_the_statement(project_copy):
    deck = project_copy.path(f"data/{DECK}/deck.yaml")
    text = deck.read_text(encoding="utf-8")
    deck.write_text("\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("DE: {smpc:")) + "\n",
                    encoding="utf-8")
    res = project_copy.cli("check", f"data/{DECK}")
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    market = read_yaml(project_copy.path("data/shared/markets/DE.yaml"))
    line = project_copy.line_of("data/shared/markets/DE.yaml", "id: pflichtangaben")
    error = next(ln for ln in res.stderr.splitlines() if "needs the link 'smpc'" in ln)
    assert f"DE.yaml:{line}" in error and market["market"]["statements"][0]["id"] in error
    assert "market_links" in res.stderr
