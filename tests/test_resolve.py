"""resolve/: references (AMA, superscript collapsing), glossary (abbreviation detection), targets
and the resolved document (placeholders filled, citations and visuals checked)."""
from __future__ import annotations

import pytest
import yaml

from conftest import JOB_LINE, TARGET, half_up, localized, study_value
from posterdeck.errors import ContentError, ErrorList, PosterdeckError
from posterdeck.resolve.glossary import footer_line, terms_used, undefined_abbreviations
from posterdeck.resolve.markup import Cite, Text, plain
from posterdeck.resolve.references import ama, authors, short, superscript_numbers
from posterdeck.schema.glossary import Glossary
from posterdeck.schema.references import CslItem

# ---------------------------------------------------------------------------------- superscripts


@pytest.mark.parametrize(
    "numbers, expected",
    [
        ([1, 2, 3, 5], "1\u20133,5"),
        ([1, 2], "1,2"),  # AMA collapses runs of three or more only
        ([1], "1"),
        ([5, 3, 1, 2, 2], "1\u20133,5"),  # unsorted, duplicated
        ([1, 2, 3, 4, 7, 8, 9], "1\u20134,7\u20139"),
        ([2, 4, 6], "2,4,6"),
        ([], ""),
    ],
)
def test_superscript_numbers_collapse_runs(numbers, expected):
    assert superscript_numbers(numbers) == expected


# ---------------------------------------------------------------------------------- AMA

def item(**kw) -> CslItem:
    return CslItem.model_validate(kw)


def test_ama_journal_article(references_yaml):
    jab = item(**next(r for r in references_yaml if r["id"] == "jabbour2020"))
    text = ama(jab)
    assert text.startswith("Jabbour E, G\u00f6kbuget N, Advani A. Impact of salvage treatment phase")
    assert "*Leuk Lymphoma*. 2020;61(8):2012-2015." in text
    assert "[doi:10.1080/10428194.2020.1751839](https://doi.org/10.1080/10428194.2020.1751839)" in text


def test_ama_initials_of_compound_given_names():
    assert authors(item(id="x", author=[{"family": "Kantarjian", "given": "Hagop M."}])) == "Kantarjian HM"
    assert authors(item(id="x", author=[{"family": "Doe", "given": "Jean-Luc"}])) == "Doe JL"
    assert authors(item(id="x", author=[{"literal": "INO-VATE Study Group"}])) == "INO-VATE Study Group"


def test_ama_more_than_six_authors_become_three_et_al():
    many = [{"family": f"Name{i}", "given": "Ann"} for i in range(7)]
    assert authors(item(id="x", author=many)) == "Name0 A, Name1 A, Name2 A, et al"
    six = many[:6]
    assert authors(item(id="x", author=six)).count(",") == 5


def test_ama_report_with_url(references_yaml):
    smpc = item(**next(r for r in references_yaml if r["id"] == "smpc"))
    text = ama(smpc)
    assert "Pfizer Europe MA EEIG." in text
    assert f"]({smpc.URL})" in text


def test_short_reference(references_yaml):
    jab = item(**next(r for r in references_yaml if r["id"] == "jabbour2020"))
    assert short(jab) == "Jabbour E, et al. Leuk Lymphoma. 2020."


# ---------------------------------------------------------------------------------- glossary

GLOSSARY = Glossary(
    glossary={"ALL": "acute lymphoblastic leukemia", "CR": "complete remission", "CR1": "first complete remission",
              "CRi": "complete remission with incomplete hematologic recovery", "R/R": "relapsed/refractory",
              "S1": "salvage 1", "MRD": "minimal residual disease", "Ph+": "Philadelphia chromosome-positive",
              "SC": "standard chemotherapy"},
    proper_names=["BESPONSA", "INO-VATE", "CD22"],
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CR/CRi rates", {"CR", "CRi"}),
        ("a longer first complete remission (CR1)", {"CR1"}),
        ("R/R B-cell ALL", {"R/R", "ALL"}),
        ("MRD-negativity", {"MRD"}),
        ("Philadelphia chromosome-positive (Ph+) ALL", {"Ph+", "ALL"}),
        ("SCALL and ALLOGENEIC and CRISPR", set()),  # terms inside longer words are not uses
        ("BESPONSA S1 vs. SC S1", {"S1", "SC"}),
        ("all patients", set()),  # case matters
    ],
)
def test_terms_used(text, expected):
    assert terms_used(text, GLOSSARY) == expected


def test_footer_line_is_sorted_case_insensitively():
    line = footer_line({"SC", "CRi", "ALL", "CR", "R/R"}, GLOSSARY)
    assert line == ("ALL=acute lymphoblastic leukemia; CR=complete remission; "
                    "CRi=complete remission with incomplete hematologic recovery; R/R=relapsed/refractory; "
                    "SC=standard chemotherapy.")
    assert footer_line(set(), GLOSSARY) == ""


def test_undefined_abbreviations():
    text = "BESPONSA in R/R ALL, FOO and CD22-positive INO-VATE; phase III; MRD-negative; BAR/CR"
    assert undefined_abbreviations(text, GLOSSARY) == ["FOO", "BAR/CR"]


def test_the_demo_content_has_no_undefined_abbreviation(demo_model):
    from posterdeck.lint import lint

    assert lint(demo_model) == []


# ---------------------------------------------------------------------------------- target

def test_target_job_line_and_formats(demo_model):
    from posterdeck.resolve.target import make_target

    t = make_target(TARGET, demo_model.info, demo_model.markets)
    assert (t.language, t.market.code) == ("en", "NL")
    assert t.job_line == JOB_LINE
    assert t.formats.percent(78.4, 1) == "78.4%"


# ---------------------------------------------------------------------------------- document

@pytest.fixture(scope="module")
def resolved(demo_model):
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    return resolve(demo_model, make_target(TARGET, demo_model.info, demo_model.markets))


def test_every_reference_is_cited(resolved, references_yaml):
    assert resolved.cited == {r["id"] for r in references_yaml}


def test_placeholders_are_filled_and_citations_stay_keys(resolved):
    crcri = next(s for s in resolved.sections if s.id == "crcri")
    first = crcri.highlights[0]
    assert plain(first).startswith("CR/CRi: 78.4% in S1 vs. 64.7% in S2")
    assert any(isinstance(n, Cite) and n.keys == ("jabbour2020",) for n in first)
    assert all(isinstance(n, (Text, Cite)) or n.__class__.__name__ == "Note" for n in first)


def test_resolved_bar_charts_hold_the_values_computed_from_the_study(resolved, content_yaml, study_yaml):
    charts = {v.id: v for s in resolved.sections for v in s.visuals if hasattr(v, "series")}
    checked = 0
    for cid, spec in content_yaml["charts"].items():
        if not spec["type"].endswith(("_column", "_bar")):
            continue
        chart = charts[cid]
        assert list(chart.categories) == spec["categories"]
        for s_spec, series in zip(spec["series"], chart.series, strict=True):
            assert series.name == s_spec["name"]
            assert list(series.values) == [study_value(study_yaml, p) for p in s_spec["values"]]
        checked += 1
    assert checked >= 2


def test_resolved_table_cells_are_n_and_percent_of_the_column_population(resolved, content_yaml, study_yaml):
    tables = {v.id: v for s in resolved.sections for v in s.visuals if hasattr(v, "rows")}
    for tid, spec in content_yaml["tables"].items():
        data = study_yaml["tables"][spec["data"]]
        table = tables[tid]
        assert len(table.rows) == len(data["rows"])
        for row, (term, cells, level) in zip(data["rows"], table.rows):
            assert term == row["term"]
            assert level == row.get("level", "pt")
            expected = []
            for n, col in zip(row["n"], data["columns"]):
                N = study_yaml["populations"][col]["n"]
                expected.append(f"{n} ({half_up(100 * n / N, 1)})")
            assert list(cells) == expected
    neutropenia = next(r for r in tables["teae"].rows if r[0] == "Neutropenia")
    assert neutropenia[1][0] == "56 (50.5)"


def test_market_statements_are_resolved(resolved, market_yaml):
    cgr = next(s for s in resolved.statements if s.id == "cgr")
    want = next(s for s in market_yaml["statements"] if s["id"] == "cgr")
    assert plain(cgr.nodes) == localized(want["text"])
    assert cgr.placement == "footer"
    linked = next(s for s in resolved.statements if s.id == "smpc_link")
    assert all(n.style.link for n in linked.nodes if isinstance(n, Text))


def test_german_target_prints_german_numbers(demo_model):
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    doc = resolve(demo_model, make_target("de-NL", demo_model.info, demo_model.markets))
    crcri = next(s for s in doc.sections if s.id == "crcri")
    assert "78,4\u00a0%" in plain(crcri.highlights[0])
    table = next(v for s in doc.sections for v in s.visuals if getattr(v, "id", "") == "teae")
    # the row terms are translated too (MedDRA terms through the catalogue): find the row by order
    rows = yaml.safe_load((demo_model.folder / "study.yaml").read_text(encoding="utf-8"))["tables"]["teae_grade3"]["rows"]
    index = next(i for i, r in enumerate(rows) if r["term"] == "Neutropenia")
    assert table.rows[index][0] == "Neutropenie"
    assert table.rows[index][1][0] == "56 (50,5)"


def _resolve_copy(project_copy):
    from posterdeck.loading.deck import load_deck
    from posterdeck.resolve.document import resolve
    from posterdeck.resolve.target import make_target

    model = load_deck(project_copy.deck)
    return resolve(model, make_target(TARGET, model.info, model.markets))


def _errors(exc):
    return exc.errors if isinstance(exc, ErrorList) else [exc]


def test_missing_reference_key_is_a_content_error_at_its_line(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    line = project_copy.replace(rel, "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    with pytest.raises(PosterdeckError) as ei:
        _resolve_copy(project_copy)
    errs = _errors(ei.value)
    assert len(errs) == 1
    assert isinstance(errs[0], ContentError)
    assert "[@smpcx]" in errs[0].message
    assert errs[0].location.file.endswith("content.yaml")
    assert errs[0].location.line == line
    assert errs[0].hint == "did you mean 'smpc'?"


def test_unknown_data_path_is_a_content_error_at_its_line(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    line = project_copy.replace(rel, "(N = {{ populations.itt }})", "(N = {{ populations.itt_all }})")
    with pytest.raises(PosterdeckError) as ei:
        _resolve_copy(project_copy)
    errs = _errors(ei.value)
    assert len(errs) == 1
    assert "populations.itt_all" in errs[0].message
    assert errs[0].location.line == line
    assert "did you mean 'populations.itt'?" == errs[0].hint


def test_unknown_chart_data_path_is_an_error_at_its_line(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    line = project_copy.replace(rel, "values: [results.hsct.ino_s1, results.hsct.ino_s2]",
                                "values: [results.hsct.ino_s1, results.hsct.ino_s3]")
    with pytest.raises(PosterdeckError) as ei:
        _resolve_copy(project_copy)
    errs = _errors(ei.value)
    assert len(errs) == 1
    assert "results.hsct.ino_s3" in errs[0].message
    assert errs[0].location.line == line
    assert errs[0].hint


def test_undefined_footnote_id_is_an_error(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    line = project_copy.replace(rel, "in S2[@jabbour2020][^mrd_bars]", "in S2[@jabbour2020][^mrd_bar]")
    with pytest.raises(PosterdeckError) as ei:
        _resolve_copy(project_copy)
    errs = _errors(ei.value)
    assert len(errs) == 1
    assert "[^mrd_bar]" in errs[0].message
    assert errs[0].location.line == line
    assert "mrd_bars" in errs[0].hint


def test_unknown_visual_id_is_an_error(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    line = project_copy.replace(rel, "visuals: [os24]", "visuals: [os_24]")
    with pytest.raises(PosterdeckError) as ei:
        _resolve_copy(project_copy)
    errs = _errors(ei.value)
    assert len(errs) == 1
    assert "os_24" in errs[0].message
    assert errs[0].location.line == line
    assert "os24" in errs[0].hint


def test_all_resolve_problems_are_reported_together(project_copy):
    rel = "data/inovate-salvage/content.yaml"
    l1 = project_copy.replace(rel, "infection and VOD[@smpc]", "infection and VOD[@smpcx]")
    l2 = project_copy.replace(rel, "(N = {{ populations.itt }})", "(N = {{ populations.itt_all }})")
    with pytest.raises(ErrorList) as ei:
        _resolve_copy(project_copy)
    assert sorted(e.location.line for e in ei.value.errors) == sorted([l1, l2])
