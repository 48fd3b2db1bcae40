"""Documentation is part of the product: a test fails when something is undocumented."""

from __future__ import annotations

import re
from pathlib import Path

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
