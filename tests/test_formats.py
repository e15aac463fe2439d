"""resolve/formats.py (Babel/CLDR number formats) and resolve/values.py (placeholders)."""
from __future__ import annotations

import pytest

from conftest import half_up, study_denominator
from posterdeck.resolve.formats import Formats
from posterdeck.resolve.values import ValueError_, chart_value, render_value

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "language, value, decimals, expected",
    [
        ("en", 78.4, 1, "78.4%"),
        ("de", 78.4, 1, f"78,4{NBSP}%"),
        ("nl", 78.4, 1, "78,4%"),
        ("en", 5.0, 1, "5.0%"),  # trailing zero kept: 1 decimal means 1 decimal
        ("en", 78.4, 0, "78%"),
        ("en", 12.25, 1, "12.3%"),  # half up, not half to even
        ("en", 100 * 56 / 111, 1, "50.5%"),
    ],
)
def test_percent(language, value, decimals, expected):
    assert Formats(language).percent(value, decimals) == expected


@pytest.mark.parametrize(
    "language, value, decimals, expected",
    [
        ("en", 1234.5, 1, "1,234.5"),
        ("de", 1234.5, 1, "1.234,5"),
        ("en", 326, 0, "326"),
        ("en", 0.05, 1, "0.1"),
        ("en", 2.675, 2, "2.68"),  # the decimal value as written, not the binary float below it
        ("en", 0.001, 3, "0.001"),
    ],
)
def test_number(language, value, decimals, expected):
    assert Formats(language).number(value, decimals) == expected


def test_ci_uses_an_en_dash_and_the_locale_decimal_mark():
    assert Formats("en").ci(31.3, 50.3, 1) == "31.3\u201350.3"
    assert Formats("de").ci(31.3, 50.3, 1) == "31,3\u201350,3"


def test_month_year_is_localised():
    assert Formats("en").month_year("2021-05") == "May 2021"
    assert Formats("de").month_year("2021-05") == "Mai 2021"


@pytest.mark.parametrize("language, expected", [
    ("es", "marzo de 2025"),  # CLDR yMMMM for Spanish: "MMMM 'de' y", not "marzo 2025"
    ("de", "M\u00e4rz 2025"),
    ("fr", "mars 2025"),
    ("el", "\u039c\u03ac\u03c1\u03c4\u03b9\u03bf\u03c2 2025"),  # Μάρτιος: the nominative, standing alone
    ("nl", "maart 2025"),
    ("en", "March 2025"),
    ("pt", "mar\u00e7o de 2025"),
])
def test_month_year_follows_the_cldr_pattern_of_each_language(language, expected):
    assert Formats(language).month_year("2025-03") == expected


def test_greek_month_year_is_not_the_genitive():
    # the genitive (as in a full date, "1 Μαρτίου 2025") must not stand alone
    assert "\u039c\u03b1\u03c1\u03c4\u03af\u03bf\u03c5" not in Formats("el").month_year("2025-03")
    assert Formats("el").month_year("2021-05") == "\u039c\u03ac\u03b9\u03bf\u03c2 2021"  # Μάιος


def test_job_line_carries_the_month_and_year_of_the_target(demo_model):
    from posterdeck.resolve.target import make_target

    lines = {tag: make_target(tag, demo_model.info, demo_model.markets).job_line for tag in demo_model.info.targets}
    assert lines["en-NL"] == "PP-INO-GLB-0137. May 2021."
    assert lines["de-DE"] == "PP-INO-DEU-0137. Mai 2021."
    assert lines["fr-FR"] == "PP-INO-FRA-0137. mai 2021."
    assert lines["nl-NL"] == "PP-INO-NLD-0137. mei 2021."
    assert lines["el-GR"] == "PP-INO-GRC-0137. \u039c\u03ac\u03b9\u03bf\u03c2 2021."


# ---------------------------------------------------------------------------------- placeholders

@pytest.fixture(scope="module")
def leaves(demo_model):
    return demo_model.leaves


EN = Formats("en")


def test_count_formats_are_computed_from_n_and_N(leaves, study_yaml):
    leaf = study_yaml["results"]["cr1_12m"]["ino"]
    n, N = leaf["n"], study_denominator(study_yaml, leaf)
    pct = half_up(100 * n / N, 1)
    path = "results.cr1_12m.ino"
    assert render_value(path, "", leaves, EN, 1) == f"{pct}%"
    assert render_value(path, "pct", leaves, EN, 1) == f"{pct}%"
    assert render_value(path, "n", leaves, EN, 1) == str(n)
    assert render_value(path, "N", leaves, EN, 1) == str(N)
    assert render_value(path, "nN", leaves, EN, 1) == f"{n}/{N}"
    assert render_value(path, "value", leaves, EN, 1) == str(pct)
    assert render_value(path, "count", leaves, EN, 1) == f"{n} ({pct})"


def test_seed_figures_come_out_of_the_study_data(leaves):
    assert render_value("results.crcri.ino_s1", "", leaves, EN, 1) == "78.4%"
    assert render_value("results.cr1_12m.ino", "nN", leaves, EN, 1) == "41/48"
    assert render_value("results.cr.ino_s1", "pct_ci", leaves, EN, 1) == "40.5% (95% CI, 31.3\u201350.3)"
    assert render_value("results.os24.ino_s1", "", leaves, EN, 1) == "25.9%"
    assert render_value("results.os24.ino_s1", "ci", leaves, EN, 1) == "18.1\u201334.4"
    assert render_value("results.remission.pvalue", "", leaves, EN, 1) == "P < 0.001"
    assert render_value("populations.itt", "", leaves, EN, 1) == "326"


def test_german_placeholders(leaves):
    de = Formats("de")
    assert render_value("results.crcri.ino_s1", "", leaves, de, 1) == f"78,4{NBSP}%"
    assert render_value("results.cr.ino_s1", "ci", leaves, de, 1) == "31,3\u201350,3"


def test_unknown_path_is_an_error(leaves):
    with pytest.raises(ValueError_, match="names no value"):
        render_value("results.crcri.ino_s9", "", leaves, EN, 1)


def test_format_that_does_not_apply_lists_the_ones_that_do(leaves):
    with pytest.raises(ValueError_) as ei:
        render_value("results.remission.pvalue", "nN", leaves, EN, 1)
    assert "p" in ei.value.hint.split(": ", 1)[1].split(", ")


def test_ci_of_a_count_without_ci_is_an_error_with_a_hint(leaves):
    with pytest.raises(ValueError_) as ei:
        render_value("results.crcri.ino_s1", "ci", leaves, EN, 1)
    assert "ci:" in ei.value.hint


def test_chart_values_are_rounded_as_printed(leaves, study_yaml):
    leaf = study_yaml["results"]["mrd_neg_itt"]["ino_s1"]
    v, ci = chart_value("results.mrd_neg_itt.ino_s1", leaves, 1)
    assert v == float(half_up(100 * leaf["n"] / study_denominator(study_yaml, leaf), 1))
    assert ci is None
    v, ci = chart_value("results.os24.ino_s1", leaves, 1)
    assert (v, tuple(ci)) == (25.9, (18.1, 34.4))
    with pytest.raises(ValueError_):
        chart_value("results.remission.pvalue", leaves, 1)


# ------------------------------------------------------------------------ units and precision

UNIT_STUDY = """\
study: {name: U, decimals: 1}
units:
  per_100_py:
    label: {en: events per 100 patient-years, de: Ereignisse pro 100 Patientenjahre}
    short: {en: /100 PY}
populations:
  a: {n: 50}
results:
  orr: {n: 17, N: a, pct: 34}
  orr_plain: {n: 17, N: a}
  third: {n: 1, N: 3, pct: 33}  # checked at its own precision: 33.3 would fail at 0 decimals
  dcr: {value: 34.0, ci: [21.2, 48.8], unit: "%"}
  os: {value: 7.7, ci: [6.1, 9], unit: months}
  os_one: {value: 1.0, unit: months}
  hr: {value: 0.7, ci: [0.55, 0.89], unit: ratio, decimals: 2}
  plain: {value: 12.25}
  p01: {p: 0.01}
  p001: {p: 0.001, op: "<"}
  p_sci: {p: 1.0e-4, op: "<"}
  rate: {number: 10.7, unit: per_100_py}
  weeks: {number: 26, unit: weeks}
"""


@pytest.fixture(scope="module")
def unit_leaves(tmp_path_factory):
    from posterdeck.loading.study import load_study
    from posterdeck.loading.yamlsource import load_yaml

    path = tmp_path_factory.mktemp("units") / "study.yaml"
    path.write_text(UNIT_STUDY, encoding="utf-8")
    errors: list = []
    _study, leaves = load_study(load_yaml(path), errors)
    assert errors == []
    return leaves


@pytest.mark.parametrize("path, fmt, language, expected", [
    ("results.orr", "", "en", "34%"),  # pct written 34: no decimal, although the study says 1
    ("results.orr_plain", "", "en", "34.0%"),  # no pct written: the study's decimals
    ("results.third", "", "en", "33%"),
    ("results.dcr", "", "en", "34.0%"),  # '%' is percent; 34.0 keeps its decimal
    ("results.dcr", "pct_ci", "en", "34.0% (95% CI, 21.2\u201348.8)"),
    ("results.os", "", "en", f"7.7{NBSP}months"),
    ("results.os", "", "de", f"7,7{NBSP}Monate"),
    ("results.os", "", "fr", f"7,7{NBSP}mois"),
    ("results.os", "ci", "en", "6.1\u20139.0"),  # bounds at the estimate's precision
    ("results.os", "with_ci", "en", f"7.7{NBSP}months (95% CI, 6.1\u20139.0)"),
    ("results.os", "value", "en", "7.7"),
    ("results.os", "unit", "de", "Monate"),
    ("results.os", "short", "en", f"7.7{NBSP}mths"),
    ("results.os_one", "", "en", f"1.0{NBSP}months"),  # CLDR plural of a visible decimal
    ("results.hr", "", "en", "0.70"),  # a ratio has no unit; decimals: 2 as given
    ("results.hr", "with_ci", "de", "0,70 (95% CI, 0,55\u20130,89)"),
    ("results.plain", "", "en", "12.25"),  # no unit: the bare number
    ("results.p01", "", "en", "P = 0.01"),
    ("results.p01", "", "de", "P = 0,01"),
    ("results.p001", "", "en", "P < 0.001"),
    ("results.p001", "value", "fr", "0,001"),
    ("results.p_sci", "", "en", "P < 0.0001"),
    ("results.rate", "", "en", f"10.7{NBSP}events per 100 patient-years"),
    ("results.rate", "", "de", f"10,7{NBSP}Ereignisse pro 100 Patientenjahre"),
    ("results.rate", "", "el", f"10,7{NBSP}events per 100 patient-years"),  # no Greek label: English
    ("results.rate", "short", "en", "10.7/100 PY"),
    ("results.rate", "short", "de", f"10,7{NBSP}Ereignisse pro 100 Patientenjahre"),  # no short: the label
    ("results.weeks", "", "en", f"26{NBSP}weeks"),
])
def test_values_print_with_their_unit_and_precision(unit_leaves, path, fmt, language, expected):
    assert render_value(path, fmt, unit_leaves, Formats(language), 1) == expected


@pytest.mark.parametrize("path", ["results.os", "results.hr", "results.plain"])
@pytest.mark.parametrize("fmt", ["pct", "pct_ci"])
def test_pct_on_a_value_that_is_not_a_percentage_is_an_error(unit_leaves, path, fmt):
    with pytest.raises(ValueError_) as ei:
        render_value(path, fmt, unit_leaves, EN, 1)
    assert path in str(ei.value) and "not percent" in str(ei.value)
    assert "unit: percent" in ei.value.hint


def test_pct_is_no_format_of_a_number(unit_leaves):
    with pytest.raises(ValueError_, match="does not apply to results.rate"):
        render_value("results.rate", "pct", unit_leaves, EN, 1)


def test_written_decimals_come_from_the_yaml_text(tmp_path):
    from posterdeck.loading.yamlsource import load_yaml

    path = tmp_path / "x.yaml"
    path.write_text("a: 34\nb: 34.0\nc: 0.01\nd: [1.50, 2]\ne: 1.0e-4\nf: text\ng: true\n", encoding="utf-8")
    src = load_yaml(path)
    assert [src.decimals((k,)) for k in "abce"] == [0, 1, 2, 4]
    assert [src.decimals(("d", 0)), src.decimals(("d", 1))] == [2, 0]
    assert src.decimals(("f",)) is None and src.decimals(("g",)) is None


def test_chart_points_carry_unit_and_precision(unit_leaves):
    from posterdeck.resolve.values import chart_point

    assert chart_point("results.orr", unit_leaves, 1) == (34.0, None, "percent", 0)
    assert chart_point("results.os", unit_leaves, 1) == (7.7, (6.1, 9.0), "months", 1)
    assert chart_point("results.rate", unit_leaves, 1) == (10.7, None, "per_100_py", 1)
