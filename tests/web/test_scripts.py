"""The staff app's modules hang together without a build step to tell: every import names a
module that exists and exports the name, every imported name is used, and every text is a
literal ``gettext`` call that ``makemessages -d djangojs`` can find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
# The staff app's modules, and the technician app's (which import the staff app's as ../js/…).
MODULES = sorted(SCRIPTS.glob("*.js")) + sorted((SCRIPTS.parent / "m").glob("*.js"))
IDS = [str(m.relative_to(SCRIPTS.parent)) for m in MODULES]
IMPORT = re.compile(r'^import \{([^}]*)\} from "(\.\.?/[\w/-]+\.js)";', re.MULTILINE)
DYNAMIC_IMPORT = re.compile(r'import\("(\.\.?/[\w/-]+\.js)"\)')
EXPORT = re.compile(r"^export (?:async )?(?:function|const|class|let) ([\w$]+)", re.MULTILINE)
EXPORT_LIST = re.compile(r"^export \{([^}]*)\};", re.MULTILINE)
TEXT_CALL = re.compile(r"\b(n?gettext)\(\s*([^\s)])")


def exports(module: Path) -> set[str]:
    text = module.read_text()
    names = set(EXPORT.findall(text))
    for listed in EXPORT_LIST.findall(text):
        names |= {name.strip().split(" as ")[-1] for name in listed.split(",") if name.strip()}
    return names


def uses(text: str, name: str) -> bool:
    """The name used as itself: not a property (``x.name``) of the same spelling, though
    spread (``...name``) counts."""
    for found in re.finditer(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text):
        before = text[: found.start()]
        if not before.endswith(".") or before.endswith("..."):
            return True
    return False


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_imports_name_what_exists_and_is_used(module: Path) -> None:
    text = module.read_text()
    problems = []
    for names, source in IMPORT.findall(text):
        target = module.parent / source
        if not target.exists():
            problems.append(f"imports the missing {source}")
            continue
        available = exports(target)
        body = IMPORT.sub("", text)
        for name in (n.strip() for n in names.split(",") if n.strip()):
            if name not in available:
                problems.append(f"{source} exports no {name}")
            elif not uses(body, name):
                problems.append(f"imports {name} from {source} and never uses it")
    for source in DYNAMIC_IMPORT.findall(text):
        target = module.parent / source
        if not target.exists():
            problems.append(f"loads the missing {source}")
        elif "mount" not in exports(target):
            problems.append(f"loads {source}, which exports no mount")
    assert problems == []


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_texts_are_literal_gettext_calls(module: Path) -> None:
    calls = TEXT_CALL.findall(module.read_text())
    assert [f"{name}({first}…" for name, first in calls if first not in "\"'"] == []
