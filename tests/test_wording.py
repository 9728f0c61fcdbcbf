"""The one home of resident wording: every text the code asks for exists in the domain,
with every placeholder the call site fills, and office facts come from the office file."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kokom import wording

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kokom", "actions", "channels", "console")
OFFICE_VALUES = {"office_name", "office_address", "office_city", "office_kecamatan"}


def _calls():
    """(file, line, response name or None, keyword names or None when **kwargs) of wording calls."""
    for package in PACKAGES:
        for file in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "wording"
                        and node.func.attr in ("text", "buttons")):
                    continue
                first = node.args[0] if node.args else None
                name = first.value if isinstance(first, ast.Constant) else None
                prefix = None
                if isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                    prefix = first.values[0].value
                keywords = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
                yield file.relative_to(ROOT), node.lineno, name, prefix, keywords


def test_every_wording_call_names_a_response_and_fills_its_placeholders():
    responses = wording.responses()
    problems, seen = [], 0
    for file, line, name, prefix, keywords in _calls():
        seen += 1
        if name is None:
            if prefix is not None and not any(key.startswith(prefix) for key in responses):
                problems.append(f"{file}:{line}: no response starts with {prefix!r}")
            continue
        if name not in responses:
            problems.append(f"{file}:{line}: no response {name!r} in domain.yml")
            continue
        if keywords is None:
            continue
        for variant in responses[name]:
            wanted = set(wording._PLACEHOLDER.findall(str(variant.get("text", ""))))
            missing = wanted - keywords - OFFICE_VALUES
            if missing:
                problems.append(f"{file}:{line}: {name} needs {sorted(missing)}")
    assert seen > 50
    assert not problems, "\n".join(problems)


def test_office_facts_are_filled_from_the_office_file(tmp_path, monkeypatch):
    import yaml

    from kokom.settings import SHIPPED_OFFICE_FILE

    data = yaml.safe_load(SHIPPED_OFFICE_FILE.read_text(encoding="utf-8"))
    data["office"]["name"] = "Kelurahan Contoh"
    office_file = tmp_path / "office.yml"
    office_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KOKOM_OFFICE_FILE", str(office_file))
    assert wording.fill("Selamat datang di {office_name}.", {}) == "Selamat datang di Kelurahan Contoh."


def test_a_missing_response_or_value_is_a_programming_error():
    with pytest.raises(wording.WordingError):
        wording.text("utter_does_not_exist")
    with pytest.raises(wording.WordingError):
        wording.text("utter_complaint_received")  # needs {ticket}


def test_a_reworded_response_is_read_without_a_restart(tmp_path, monkeypatch):
    domain = tmp_path / "domain.yml"
    domain.write_text('responses:\n  utter_x:\n    - text: "satu {n}"\n', encoding="utf-8")
    monkeypatch.setattr(wording, "DOMAIN_FILE", domain)
    assert wording.text("utter_x", n=1) == "satu 1"
    domain.write_text('responses:\n  utter_x:\n    - text: "dua {n} kali"\n', encoding="utf-8")
    assert wording.text("utter_x", n=2) == "dua 2 kali"


def test_office_name_is_written_only_in_the_office_file():
    """Facts once: the office's name appears in no code, template or response."""
    from kokom.office import load_office

    name = load_office().name
    offenders = []
    for package in PACKAGES:
        for file in (ROOT / package).rglob("*"):
            if file.suffix in (".py", ".html") and name in file.read_text(encoding="utf-8"):
                offenders.append(str(file.relative_to(ROOT)))
    if name in (ROOT / "domain.yml").read_text(encoding="utf-8"):
        offenders.append("domain.yml")
    assert not offenders, offenders


def test_the_listening_forms_have_no_utter_ask_responses_rasa_would_send_a_second_time():
    import yaml

    domain = yaml.safe_load(wording.DOMAIN_FILE.read_text(encoding="utf-8"))
    slots = {slot for form in ("complaint_form", "document_form")
             for slot in domain["forms"][form]["required_slots"]}
    assert slots and not {f"utter_ask_{slot}" for slot in slots} & set(domain["responses"])
    assert not {f"utter_ask_{form}_{slot}" for form in ("complaint_form", "document_form") for slot in slots} \
        & set(domain["responses"])
