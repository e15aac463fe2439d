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
