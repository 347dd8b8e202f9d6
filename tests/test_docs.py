"""Every code block in README.md and docs/*.md runs as written.

- ```python blocks are executed, each in a fresh namespace (``__name__ == "__main__"``, as a script),
  in a temporary folder holding ``seeds/`` (a copy of the seed articles): what a reader gets when
  copying a block into a file next to the repo's seeds. A block whose first line is
  ``# needs: NAME [NAME…]`` is skipped (with that reason) where those packages are not installed.
- ```bash blocks are run by bash in the same kind of folder, except install commands (the README's
  two commands are checked by tests/test_readme.py and run by .ci/run).
- ```text blocks are output or syntax, never run. Any other fence language is an error: a block is
  either run or marked as not code.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

FENCE_RE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```", re.S | re.M)
NEEDS_RE = re.compile(r"^# needs: (?P<names>[\w. -]+)$")
RUN = {"python", "bash"}
NOT_RUN = {"text"}
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def _blocks() -> list[Block]:
    blocks = []
    for path in DOC_FILES:
        source = path.read_text(encoding="utf-8")
        for match in FENCE_RE.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            blocks.append(Block(path, line, match["lang"], match["code"]))
    return blocks


BLOCKS = _blocks()


def _workdir(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return tmp_path


def _skip_if_missing(block: Block) -> None:
    first = block.code.splitlines()[0] if block.code else ""
    match = NEEDS_RE.match(first)
    if match:
        missing = [n for n in match["names"].split() if importlib.util.find_spec(n) is None]
        if missing:
            pytest.skip(f"{block.name} needs {', '.join(missing)}, not installed")


def test_every_block_is_run_or_marked_as_not_code() -> None:
    unmarked = [f"{b.name} ```{b.lang}" for b in BLOCKS if b.lang not in RUN | NOT_RUN]
    assert not unmarked, f"mark these blocks python, bash or text: {unmarked}"
    assert sum(b.lang == "python" for b in BLOCKS) >= 25


# A developer's machine paths: a workspace folder, a home folder, a temp folder, a virtual env's bin.
MACHINE_PATH_RE = re.compile("|".join(["/" + "work/", r"/home/\w+", "/tmp/", "venv/bin/"]))


def test_no_machine_paths_in_the_docs() -> None:
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        assert not MACHINE_PATH_RE.search(text), path.name


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.lang == "python"], ids=lambda b: b.name)
def test_python_block_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _skip_if_missing(block)
    monkeypatch.chdir(_workdir(tmp_path))
    namespace = {"__name__": "__main__", "__file__": str(tmp_path / "block.py")}
    code = compile(block.code, f"{block.name}", "exec")
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(code, namespace)


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.lang == "bash" and "pip install" not in b.code], ids=lambda b: b.name
)
def test_bash_block_runs(block: Block, tmp_path: Path) -> None:
    _skip_if_missing(block)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block.code],
        cwd=_workdir(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{block.name}:\n{result.stderr[-3000:]}"
