"""Documentation is part of the product: a test fails when something is undocumented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from provenance.cli import app
from provenance.outlets import load_registry
from provenance.params import SECTIONS

DOCS = Path(__file__).resolve().parent.parent / "docs"
README = Path(__file__).resolve().parent.parent / "README.md"


def _commands(group, prefix="provenance"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        yield path, command
        if hasattr(command, "commands"):
            yield from _commands(command, path)


def test_every_cli_command_and_option_is_in_the_reference():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for path, command in _commands(group):
        if hasattr(command, "commands"):
            continue
        heading = next((h for h in text.split("\n## ") if h.startswith(f"`{path}")), None)
        assert heading is not None, f"command {path} missing from docs/cli.md"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-") and opt != "--help":
                    assert f"`{opt}" in heading, f"{path} {opt} missing from its section of docs/cli.md"
    for param in group.params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert opt in text


def test_every_parameter_is_documented():
    text = (DOCS / "parameters.md").read_text(encoding="utf-8")
    for section, keys in SECTIONS.items():
        for key in keys:
            assert f"`{section}.{key}`" in text, f"{section}.{key} missing from docs/parameters.md"


def test_every_rule_is_documented():
    from provenance.origin import ORIGIN_RULE_IDS
    from provenance.rules import ROLES, load_rules

    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for rule in load_rules().rules:
        assert f"| `{rule.id}` |" in text, f"rule {rule.id} missing from docs/rules.md"
    for rid in ORIGIN_RULE_IDS:
        assert f"| `{rid}` |" in text, f"origin rule {rid} missing from docs/rules.md"
    for role in ROLES:
        assert f"| `{role}` |" in text, f"role {role} missing from docs/rules.md"


def test_every_shipped_rule_is_in_the_report_formats_evidence_table():
    """report-format.md says which rule reads what, with its role: one row per rule."""
    from provenance.rules import load_rules

    rows = (DOCS / "report-format.md").read_text(encoding="utf-8").split("\n")
    for rule in load_rules().rules:
        found = [r for r in rows if r.startswith(f"| `{rule.id}` |")]
        assert len(found) == 1, f"rule {rule.id} has {len(found)} rows in docs/report-format.md"
        assert f"| `{rule.role}`" in found[0], f"docs/report-format.md gives {rule.id} another role"


def test_shipped_rule_descriptions_match_the_docs_table():
    from provenance.rules import load_rules

    text = (DOCS / "rules.md").read_text(encoding="utf-8").split("## Shipped rules", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([^`]+)` \| \w+ \| \w+ \| (.*) \|$", text, re.M)}
    for rule in load_rules().rules:
        assert rows.get(rule.id) == rule.description, f"docs/rules.md's row for {rule.id} differs from rules.toml"


def test_every_registry_entry_is_documented():
    text = (DOCS / "outlets.md").read_text(encoding="utf-8")
    for outlet in load_registry().outlets:
        assert f"| {outlet.name} |" in text, f"{outlet.name} missing from docs/outlets.md"


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick, re.S)
    assert len(commands) == 2
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
    assert "provenance audit" in commands[0]


def test_docs_links_resolve():
    for md in [README, *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#]+\.md)\)", md.read_text(encoding="utf-8")):
            assert (md.parent / target).exists(), f"{md.name} links to missing {target}"


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets on GitHub: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(md: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", md.read_text(encoding="utf-8"), flags=re.S)
    return {_slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}


def test_docs_anchors_resolve():
    for md in [README, README.parent / "bench" / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)\s]*#[^)\s]+)\)", md.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            page = (md.parent / path) if path else md
            assert anchor in _anchors(page), f"{md.name} links to missing anchor {target}"


def test_every_cli_default_is_in_the_reference():
    """An option with a default other than off, empty or none has that default in its row of docs/cli.md."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    checked = 0
    for path, command in _commands(group):
        if hasattr(command, "commands"):
            continue
        section = next(h for h in text.split("\n## ") if h.startswith(f"`{path}"))
        for param in command.params:
            default = param.default
            if not param.opts[0].startswith("--") or default in (None, False, (), []) or callable(default):
                continue
            value = getattr(default, "value", default)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            row = next(line for line in section.splitlines() if line.startswith(f"| `{param.opts[0]}"))
            assert "default" in row and str(value) in row, f"{path} {param.opts[0]}: default {value} not in docs/cli.md"
            checked += 1
    assert checked >= 3


# ------------------------------------------------ the tutorial, run as written


ROOT = README.parent


def _tutorial_steps() -> list[tuple[str, list[str]]]:
    """(fence language, lines) of each fenced block of docs/tutorial.md, in order."""
    text = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    return [(lang, body.splitlines()) for lang, body in re.findall(r"```(\w*)\n(.*?)```", text, re.S)]


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def tutorial_run(tmp_path_factory):
    """Every `provenance ...` command of the tutorial, run in order in a folder holding the
    bundled corpora it uses: (command, exit code, output) each, and the folder."""
    import os
    import shlex
    import shutil

    from typer.testing import CliRunner

    work = tmp_path_factory.mktemp("tutorial")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    shutil.copytree(ROOT / "fixtures" / "golden", work / "fixtures" / "golden")
    runner = CliRunner()
    runs = []
    here = os.getcwd()
    os.chdir(work)
    try:
        for lang, lines in _tutorial_steps():
            if lang != "sh":
                runs.append((None, lines))
                continue
            for line in lines:
                line = line.split("  #", 1)[0].strip()
                if line.startswith("provenance "):
                    result = runner.invoke(app, shlex.split(line)[1:])
                    runs.append((line, (result.exit_code, result.output)))
    finally:
        os.chdir(here)
    return runs, work


def test_every_tutorial_command_runs(tutorial_run):
    runs, _ = tutorial_run
    commands = [(c, r) for c, r in runs if c is not None]
    assert len(commands) >= 7
    for command, (code, output) in commands:
        assert code == 0, f"docs/tutorial.md: `{command}` exited {code}:\n{output}"


def test_tutorial_outputs_are_what_the_commands_print(tutorial_run):
    """Each output block shows lines of the output of the command just before it (long lines
    may be wrapped, and a block may leave lines out); each JSON block is part of the report."""
    import json

    runs, work = tutorial_run
    last = None
    shown = 0
    for command, result in runs:
        if command is not None:
            last = result[1]
            continue
        block = "\n".join(result)
        if block.lstrip().startswith(("{", '"')):
            # an object of the report, or a "key": value member of one, as the report has it
            member = block.lstrip().startswith('"')
            fragment = json.dumps(json.loads("{" + block + "}" if member else block), ensure_ascii=False)
            report = json.loads((work / "seeds-report.json").read_text(encoding="utf-8"))
            assert (fragment[1:-1] if member else fragment) in json.dumps(report, ensure_ascii=False), \
                f"docs/tutorial.md: this JSON is not in the seeds report:\n{block}"
        else:
            for line in result:
                if line.strip():
                    assert _squash(line) in _squash(last), f"docs/tutorial.md: {line.strip()!r} is not in the output"
        shown += 1
    assert shown >= 6


# ------------------------------------------------ docs/report-format.md against a real report


_FREE_MAPS = {"run.options", "run.libraries", "run.stats", "run.inputs.encodings", "run.inputs.skipped_records",
              "summary.rejections_by_code"}  # keys are data, not fields


def _field_values(value, path: str = "") -> dict[str, list]:
    """Every field path of a report (``[]`` for list items) with the values found there."""
    out: dict[str, list] = {}
    if isinstance(value, dict) and path not in _FREE_MAPS:
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            out.setdefault(child, []).append(item)
            for p, values in _field_values(item, child).items():
                out.setdefault(p, []).extend(values)
    elif isinstance(value, list):
        for item in value:
            for p, values in _field_values(item, path + "[]").items():
                out.setdefault(p, []).extend(values)
    return out


def test_report_format_names_the_fields_of_a_real_report(tutorial_run):
    """The seeds report validates against the schema; each of its fields is in docs/report-format.md's
    tables, and each field there is in the report unless the list or object holding it is empty or null
    in it (the seeds have no rejections, no sidecar and no copy with a direct source)."""
    import json
    from importlib import resources

    from jsonschema import Draft202012Validator

    from test_schema_docs import doc_table_paths

    _, work = tutorial_run
    report = json.loads((work / "seeds-report.json").read_text(encoding="utf-8"))
    schema = json.loads(resources.files("provenance").joinpath("data/report.schema.json").read_text(encoding="utf-8"))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(report)] == []
    documented = set(doc_table_paths((DOCS / "report-format.md").read_text(encoding="utf-8")))
    found = _field_values(report)
    assert not sorted(set(found) - documented), "fields of the seeds report missing from docs/report-format.md"
    for path in sorted(documented - set(found)):
        holder = path
        while holder not in found:
            holder = re.sub(r"(\[\])?(\.[^.]+)?$", "", holder, count=1) if "." in holder else ""
            assert holder, f"docs/report-format.md documents {path}, which the seeds report does not have"
        assert all(v in ([], None) for v in found[holder]), \
            f"docs/report-format.md documents {path}, absent from the seeds report although {holder} is not empty"
