"""`posterdeck schema` (issue 12, point 7): JSON Schemas of every YAML file kind, every property
described, the demo's files valid against them and a typo caught by them, as an editor would."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema  # a test extra: installed, never skipped
import pytest
import yaml

from conftest import DATA, LAYOUTS_DIR, ROOT, run_cli

KINDS = ["deck", "study", "content", "references", "glossary", "market", "layout", "theme", "approvals"]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("schemas")
    res = run_cli("schema", "--out", str(out))
    assert res.returncode == 0, res.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{k}.schema.json" for k in KINDS)
    assert sorted(res.stdout.split()) == sorted(str(out / f) for f in files)
    return {k: json.loads((out / f"{k}.schema.json").read_text(encoding="utf-8")) for k in KINDS}


def _properties(node, where: str = ""):
    """(where, name, schema) of every property of every object in a schema, $defs included."""
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield where, name, sub
        for key, sub in node.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{i}")


def test_every_kind_is_a_valid_draft_2020_12_schema(written):
    for kind, schema in written.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$schema"].endswith("2020-12/schema") and schema["description"], kind


def test_every_property_has_a_description(written):
    props = [(kind, where, name, sub) for kind, schema in written.items() for where, name, sub in _properties(schema)]
    assert len(props) > 200  # the walk finds them all, $defs included
    missing = [f"{kind}{where}.{name}" for kind, where, name, sub in props
               if not (isinstance(sub, dict) and str(sub.get("description", "")).strip())]
    assert missing == []


def demo_files() -> list[tuple[str, Path]]:
    out = []
    for deck in sorted(DATA.glob("*/deck.yaml")):
        folder = deck.parent
        out += [("deck", deck), ("study", folder / "study.yaml"), ("content", folder / "content.yaml"),
                ("references", folder / "references.yaml")]
        out += [("glossary", folder / "glossary.yaml")] if (folder / "glossary.yaml").is_file() else []
    out += [("glossary", p) for p in sorted((DATA / "shared" / "glossary").glob("*.yaml"))]
    out += [("market", p) for p in sorted((DATA / "shared" / "markets").glob("*.yaml"))]
    out += [("layout", p) for p in sorted(LAYOUTS_DIR.glob("*.yaml"))]
    out += [("theme", p) for p in sorted((LAYOUTS_DIR / "themes").glob("*.yaml"))]
    return out


@pytest.mark.parametrize("kind, path", demo_files(), ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else v)
def test_the_demo_files_validate(written, kind, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(written[kind]).iter_errors(data), key=str)
    assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors] == []


def _errors(schema: dict, data) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def test_a_typo_fails_the_schema(written):
    deck = yaml.safe_load((DATA / "inovate-salvage" / "deck.yaml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(deck)
    bad["deck"]["tagets"] = bad["deck"].pop("targets")
    assert any("tagets" in m for m in _errors(written["deck"], bad))
    assert any("targets" in m for m in _errors(written["deck"], bad))  # and the real one is missing

    content = yaml.safe_load((DATA / "inovate-salvage" / "content.yaml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(content)
    bad["sections"][0]["headlin"] = "x"
    assert _errors(written["content"], bad)

    layout = yaml.safe_load((LAYOUTS_DIR / "poster-a0-portrait.yaml").read_text(encoding="utf-8"))
    bad = copy.deepcopy(layout)
    bad["layout"]["page"]["width"] = "841 millimetres"
    assert _errors(written["layout"], bad)


def test_the_results_tree_is_checked_to_its_leaves(written):
    study = written["study"]
    ok = {"study": {"name": "S"}, "results": {"crcri": {"ino": {"n": 3, "N": 10}, "hr": {"value": 0.7, "ci": [0.5, 0.9]},
                                                        "deeper": {"pval": {"p": 0.01, "op": "<"}}},
                                              "fu": {"number": 12.5, "unit": "months"},
                                              "os": {"p": {"p": 0.01}, "n": {"n": 3, "N": 10}}}}  # named p and n
    assert _errors(study, ok) == []
    for broken in ({"x": {"n": 3, "N": 10, "lable": "typo"}},  # a typo in a leaf
                   {"x": {"value": 0.7, "ci": [0.9, 0.5, 0.1]}},  # a CI of three bounds
                   {"x": {"group": 5}},  # a group holding a bare number
                   {"x": {"p": 0.01, "q": {"p": 0.02}}}):  # a p-value with a stray key
        assert _errors(study, {"study": {"name": "S"}, "results": broken}), broken


def test_schema_into_a_file_is_an_error_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run_cli("schema", "--out", str(blocker / "sub"))
    assert res.returncode != 0 and "error:" in res.stderr and "Traceback" not in res.stderr


def test_readme_shows_the_editor_line():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in readme and "posterdeck schema" in readme
