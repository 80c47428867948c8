"""The trusted kernel `telos.peano` stands alone: it imports nothing else of telos, nor torch.

Checked twice: at run time, by importing the package in a fresh interpreter and listing what
got loaded; and statically, by reading every import statement of its modules.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import telos.peano

# The sources in the checkout (src layout); the installed package if they are not there.
SRC_PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "telos" / "peano"
PACKAGE_DIR = (
    SRC_PACKAGE_DIR if SRC_PACKAGE_DIR.is_dir() else Path(telos.peano.__file__).resolve().parent
)
KERNEL_FILES = sorted(PACKAGE_DIR.glob("*.py"))

LIST_LOADED_MODULES = "import json, sys; import telos.peano; print(json.dumps(sorted(sys.modules)))"


def is_kernel_module(name: str) -> bool:
    return name == "telos.peano" or name.startswith("telos.peano.")


def test_importing_the_kernel_loads_no_other_telos_module_and_no_torch():
    proc = subprocess.run(
        [sys.executable, "-c", LIST_LOADED_MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = json.loads(proc.stdout)
    assert "telos.peano" in loaded
    assert not [m for m in loaded if m == "torch" or m.startswith("torch.")]
    foreign = [m for m in loaded if m.startswith("telos.") and not is_kernel_module(m)]
    assert foreign == [], f"telos.peano pulls in {foreign}"


def imports_of(path: Path) -> list[tuple[int, str, int]]:
    """(level, module, line) for every import in `path`: level 0 for absolute imports."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.extend((0, alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.append((node.level, node.module or "", node.lineno))
    return out


def test_kernel_sources_import_no_other_telos_package():
    assert KERNEL_FILES, PACKAGE_DIR
    offending = []
    for path in KERNEL_FILES:
        for level, module, line in imports_of(path):
            absolute_foreign = level == 0 and (
                module == "telos" or (module.startswith("telos.") and not is_kernel_module(module))
            )
            # The kernel's modules all sit directly in the package: `.x` stays inside it,
            # `..x` would reach telos itself.
            relative_escape = level > 1
            if absolute_foreign or relative_escape:
                offending.append(f"{path.name}:{line}: {'.' * level}{module}")
    assert offending == []


def test_kernel_sources_import_no_torch():
    for path in KERNEL_FILES:
        assert not [
            m for level, m, _ in imports_of(path) if level == 0 and m.split(".")[0] == "torch"
        ]
