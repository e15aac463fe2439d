"""loading/: YAML with line numbers -> validated schema objects; every problem an InputError or
ContentError that points at file:line and carries a hint."""
from __future__ import annotations

import pytest
import yaml

from conftest import DECK_DIR, TARGET
from posterdeck.errors import ContentError, ErrorList, InputError, PosterdeckError
from posterdeck.loading.deck import load_deck
from posterdeck.loading.validate import validate
from posterdeck.loading.yamlsource import load_yaml, suggest
from posterdeck.schema.deck import DeckFile
from posterdeck.schema.study import Count, Estimate, PValue


def write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def problems(exc: PosterdeckError) -> list[PosterdeckError]:
    return exc.errors if isinstance(exc, ErrorList) else [exc]


# ---------------------------------------------------------------------------------- yamlsource

def test_load_yaml_keeps_the_line_of_every_key_and_item(tmp_path):
    p = write(tmp_path, "x.yaml", "# comment\na:\n  b: 1\n  c:\n    - one\n    - two\nd: [x, y]\n")
    src = load_yaml(p)
    assert src.data == {"a": {"b": 1, "c": ["one", "two"]}, "d": ["x", "y"]}
    assert src.where(("a",)).line == 2
    assert src.where(("a", "b")).line == 3
    assert src.where(("a", "c", 1)).line == 6
    assert src.where(("d", 1)).line == 7
    # an unknown path falls back to its nearest known ancestor
    assert src.where(("a", "c", 1, "nope")).line == 6
    assert src.where(("a", "b")).file.endswith("x.yaml")


def test_load_yaml_keeps_dates_as_text(tmp_path):
    src = load_yaml(write(tmp_path, "d.yaml", "when: 2021-05-01\n"))
    assert src.data["when"] == "2021-05-01"


def test_malformed_yaml_is_an_input_error_at_its_line(tmp_path):
    p = write(tmp_path, "bad.yaml", "a: 1\nb:\n  c: [1, 2\nd: 3\n")
    with pytest.raises(InputError) as ei:
        load_yaml(p)
    err = ei.value
    assert "malformed YAML" in err.message
    assert err.location.file.endswith("bad.yaml")
    assert err.location.line in (3, 4)
    assert err.hint
    assert f"bad.yaml:{err.location.line}" in str(err)
    assert "hint:" in str(err)


def test_tab_indentation_is_reported_at_its_line(tmp_path):
    p = write(tmp_path, "tab.yaml", "a:\n  b: 1\n\tc: 2\n")
    with pytest.raises(InputError) as ei:
        load_yaml(p)
    assert ei.value.location.line == 3


def test_duplicate_key_is_an_error_at_the_second_key(tmp_path):
    p = write(tmp_path, "dup.yaml", "a: 1\nb: 2\na: 3\n")
    with pytest.raises(InputError) as ei:
        load_yaml(p)
    assert "duplicate key 'a'" in ei.value.message
    assert ei.value.location.line == 3


def test_non_utf8_file_is_an_input_error(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("title: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError) as ei:
        load_yaml(p)
    assert "UTF-8" in str(ei.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_yaml(tmp_path / "nope.yaml")


def test_suggest_offers_the_closest_word():
    assert suggest("titel", ["title", "product"]) == "did you mean 'title'?"
    assert suggest("zzzz", ["title", "product"]) == ""


# ---------------------------------------------------------------------------------- validation

DECK_OK = """\
deck:
  title: T
  product: P
  job_code: {prefix: PP, product: INO, sequence: "0137"}
  date_of_preparation: "2021-05"
  targets: [en-NL]
  theme: besponsa
  outputs: {deck: slides-16x9}
"""


def test_a_valid_deck_file_validates():
    from posterdeck.loading.yamlsource import Source

    info = validate(DeckFile, yaml.safe_load(DECK_OK), Source(file=DECK_DIR / "x", data=None)).deck
    assert info.targets == ["en-NL"]
    assert info.job_code.render() == "PP-INO-GLB-0137"


@pytest.mark.parametrize(
    "old, new, message, hint",
    [
        ("  targets:", "  source_langauge: en\n  targets:", "unknown key 'source_langauge'",
         "did you mean 'source_language'?"),
        ("  theme: besponsa\n", "", "missing required key 'theme'", "add 'theme:'"),
        ('"2021-05"', '"May 2021"', "YYYY-MM", ""),
        ("[en-NL]", "[english]", "BCP 47", ""),
        ("[en-NL]", "en-NL", "targets", "list"),
    ],
    ids=["typo", "missing", "bad-date", "bad-tag", "not-a-list"],
)
def test_deck_file_errors_point_at_their_line(tmp_path, old, new, message, hint):
    text = DECK_OK.replace(old, new)
    p = write(tmp_path, "deck.yaml", text)
    src = load_yaml(p)
    with pytest.raises(InputError) as ei:
        validate(DeckFile, src.data, src)
    err = ei.value
    assert message in err.message
    assert hint in err.hint
    assert err.location.file.endswith("deck.yaml")
    if new:  # the line of the offending value
        line = text[: text.index(new)].count("\n") + 1
        assert err.location.line == line
    else:  # a missing key: the mapping that lacks it ("deck:")
        assert err.location.line == 1


def test_validate_collects_every_problem_when_given_a_list(tmp_path):
    text = DECK_OK.replace("  targets:", "  source_langauge: en\n  targets:").replace('"2021-05"', '"2021-13"')
    src = load_yaml(write(tmp_path, "deck.yaml", text))
    errors: list = []
    assert validate(DeckFile, src.data, src, errors=errors) is None
    assert len(errors) == 2
    by_line = {e.location.line: e.message for e in errors}
    assert "YYYY-MM" in by_line[5]
    assert "unknown key 'source_langauge'" in by_line[6]


def test_typo_in_a_required_key_is_reported_as_the_typo(tmp_path):
    text = DECK_OK.replace("  title: T\n", "  titel: T\n")
    src = load_yaml(write(tmp_path, "deck.yaml", text))
    errors: list = []
    validate(DeckFile, src.data, src, errors=errors)
    assert len(errors) == 1, [str(e) for e in errors]
    assert "unknown key 'titel'" in errors[0].message
    assert "did you mean 'title'?" in errors[0].hint
    assert errors[0].location.line == 2


def test_study_leaf_models():
    assert Count(n=87, N="ino_s1", pct=78.4).N == "ino_s1"
    with pytest.raises(ValueError, match="out of order"):
        Count(n=1, N=2, ci=(5.0, 1.0))
    with pytest.raises(ValueError, match="outside its CI"):
        Estimate(value=50.0, ci=(1.0, 2.0))
    with pytest.raises(ValueError):
        PValue(p=0.0)
    with pytest.raises(ValueError):
        Count(n=-1, N=3)


# ---------------------------------------------------------------------------------- the demo

def test_the_demo_deck_loads(demo_model, study_yaml, references_yaml, glossary_yaml):
    m = demo_model
    assert m.name == "inovate-salvage"
    assert TARGET in m.info.targets
    assert set(m.layouts) == {"poster", "deck"}
    assert set(m.references) == {r["id"] for r in references_yaml}
    assert dict(m.glossary.glossary) == glossary_yaml
    # every population is a leaf, every results leaf is addressed by its dotted path
    for name, pop in study_yaml["populations"].items():
        assert m.leaves[f"populations.{name}"].n == pop["n"]
    assert m.leaves["results.crcri.ino_s1"].n == study_yaml["results"]["crcri"]["ino_s1"]["n"]
    assert isinstance(m.leaves["results.remission.pvalue"], PValue)
    assert isinstance(m.leaves["results.os24.ino_s1"], Estimate)
    assert "NL" in m.markets


def test_stated_percentage_that_disagrees_with_n_over_N_is_a_content_error(project_copy, study_yaml):
    leaf = study_yaml["results"]["crcri"]["ino_s1"]
    old = f"pct: {leaf['pct']}, label: \"CR/CRi, BESPONSA S1\""
    line = project_copy.replace("data/inovate-salvage/study.yaml", old, old.replace(str(leaf["pct"]), "78.5"))
    with pytest.raises(PosterdeckError) as ei:
        load_deck(project_copy.deck)
    errs = problems(ei.value)
    assert len(errs) == 1
    err = errs[0]
    assert isinstance(err, ContentError)
    assert err.location.file.endswith("study.yaml")
    assert err.location.line == line
    assert "78.5" in err.message and f"{leaf['n']}/" in err.message and "78.4" in err.message
    assert err.hint


def test_n_larger_than_N_is_a_content_error(project_copy):
    line = project_copy.replace("data/inovate-salvage/study.yaml", "{n: 58, N: ino_s1, pct: 52.3",
                                "{n: 158, N: ino_s1, pct: 52.3")
    with pytest.raises(PosterdeckError) as ei:
        load_deck(project_copy.deck)
    errs = problems(ei.value)
    assert any(isinstance(e, ContentError) and "larger than" in e.message and e.location.line == line for e in errs)


def test_unknown_population_is_named_with_a_suggestion(project_copy):
    line = project_copy.replace("data/inovate-salvage/study.yaml", "{n: 58, N: ino_s1,", "{n: 58, N: ino_s1x,")
    with pytest.raises(PosterdeckError) as ei:
        load_deck(project_copy.deck)
    errs = problems(ei.value)
    assert len(errs) == 1
    assert "ino_s1x" in errs[0].message
    assert errs[0].location.line == line
    assert "did you mean" in errs[0].hint


def test_table_row_with_too_few_values_is_an_error_at_the_row(project_copy):
    line = project_copy.replace("data/inovate-salvage/study.yaml", "n: [56, 40, 21, 22]", "n: [56, 40, 21]")
    with pytest.raises(InputError) as ei:
        load_deck(project_copy.deck)
    assert "3 values for 4 columns" in ei.value.message
    assert "Neutropenia" in ei.value.message
    table_line = project_copy.line_of("data/inovate-salvage/study.yaml", "  teae_grade3:")
    assert ei.value.location.line in (line, table_line)


def test_every_problem_of_a_deck_is_reported_not_just_the_first(project_copy):
    l1 = project_copy.replace("data/inovate-salvage/content.yaml", "\ncongress:", "\ncongres:") + 1
    l2 = project_copy.replace("data/inovate-salvage/study.yaml", "pct: 64.7", "pct: 64.9")
    with pytest.raises(ErrorList) as ei:
        load_deck(project_copy.deck)
    found = {(e.location.file.rsplit("/", 1)[-1], e.location.line) for e in ei.value.errors}
    assert ("content.yaml", l1) in found
    assert ("study.yaml", l2) in found
    assert len(ei.value.errors) == 2
    assert str(ei.value).count("\n  hint:") == 2


def test_missing_data_file_is_reported_at_the_deck_yaml_line(project_copy):
    line = project_copy.insert_line("data/inovate-salvage/deck.yaml",
                                    project_copy.line_of("data/inovate-salvage/deck.yaml", "  files:"),
                                    "    study: no-such-study.yaml")
    with pytest.raises(PosterdeckError) as ei:
        load_deck(project_copy.deck)
    errs = problems(ei.value)
    assert len(errs) == 1
    assert "no-such-study.yaml" in errs[0].message
    assert errs[0].location.file.endswith("deck.yaml")
    assert errs[0].location.line == line
    assert errs[0].hint


def test_unknown_layout_gets_a_suggestion(project_copy):
    line = project_copy.replace("data/inovate-salvage/deck.yaml", "deck: slides-16x9", "deck: slides-16x10")
    with pytest.raises(InputError) as ei:
        load_deck(project_copy.deck)
    assert "slides-16x10" in ei.value.message
    assert ei.value.location.line == line
    assert "slides-16x9" in ei.value.hint


def test_missing_font_file_is_an_input_error_at_the_theme_line(project_copy):
    rel = "layouts/themes/besponsa.yaml"
    line = project_copy.replace(rel, "regular: matplotlib:DejaVuSans.ttf", "regular: fonts/NoSuch-Regular.ttf")
    with pytest.raises(PosterdeckError) as ei:
        model = load_deck(project_copy.deck)
        # if loading does not check fonts, composing must
        from posterdeck.compose.build import compose
        from posterdeck.resolve.target import make_target

        compose(model, make_target(TARGET, model.info, model.markets))
    errs = problems(ei.value)
    assert len(errs) == 1
    err = errs[0]
    assert isinstance(err, InputError)
    assert "NoSuch-Regular.ttf" in err.message
    assert err.location.file.endswith("besponsa.yaml")
    assert err.location.line == line
    assert err.hint


def test_target_without_market_is_reported(project_copy):
    line = project_copy.replace("data/inovate-salvage/deck.yaml", "targets: [", "targets: [en-ZZ, ")
    with pytest.raises(InputError) as ei:
        load_deck(project_copy.deck)
    assert "ZZ" in ei.value.message
    assert ei.value.location.line == line
    assert ei.value.hint


def test_a_result_may_be_named_like_a_leaf_key(project_copy):
    """A group may name its results p, n, value or number: `os: {p: {p: 0.001, op: "<"}}` is a
    group holding a p-value, not a p-value with a stray mapping (KEYNOTE-style decks wrote this)."""
    project_copy.replace("data/inovate-salvage/study.yaml", '    pvalue: {p: 0.001, op: "<"}',
                         '    pvalue: {p: 0.001, op: "<"}\n    p: {p: 0.001, op: "<"}\n    n: {n: 3, N: 10}')
    model = load_deck(project_copy.deck)
    assert model.leaves["results.remission.p"].kind == "pvalue"
    assert model.leaves["results.remission.n"].kind == "count"
    assert model.leaves["results.remission.ino"].kind == "count"
