"""Every ``migratielab`` example in README.md and docs/*.md runs here, so the docs cannot rot.

The convention (for whoever writes docs):

* An example is a line in a code block (fenced with three backticks, any or no language tag, or
  indented by four spaces) that starts with ``$ migratielab `` or ``migratielab ``. A line ending in
  ``\\`` continues on the next line. A trailing ``# comment`` is not part of the command; a comment
  ``# exit code N`` documents a non-zero exit code. Other lines (``make``, ``curl``, ``pytest``) are
  not examples.
* After a ``$ migratielab`` line, the lines up to the next ``$`` line or the end of the block are its
  shown output. The test checks the stable part of it: for a table row (``│``/``┃``) its first cell,
  the row label; for any other line the text with every number replaced by "a number" (figures
  change with the model; labels, units and structure should not), where ``...`` elides anything.
  Blank lines, table borders and lines holding only ``...`` are not compared. Examples without a
  ``$`` show no output and are only run.
* Examples run in document order, in one temporary working directory holding a copy of
  ``scenarios/``, ``experiments/`` and ``tests/data/fixtures/`` (so paths like
  ``scenarios/default.yaml`` work as for a reader at the repository root), with
  ``MIGRATIELAB_HOME`` in a temporary folder and ``COLUMNS=200``. An example may write only under
  ``output/`` (a reader's repository root stays clean). Each must exit with code 0 (or the
  documented one) and print no traceback.
* Exploration ids such as ``reception-robustness-20261127T181123-703aa6`` are made at run time; an
  id of that form is replaced by the newest stored exploration of that name (so a ``runs show``
  example must come after an ``explore`` example of the same experiment).
* ``<!-- docs-test: exact -->`` on the line before a block compares its table rows whole, numbers
  included: the block shows exactly what the command prints (use it for a sample output readers
  quote; a model change that moves a figure then fails here until the shown output is pasted anew).
* ``<!-- docs-test: slow -->`` on the line before a block marks its examples slow: they run only
  when ``slow`` is selected (``pytest tests/test_docs.py -m slow``); otherwise they are reported as
  skipped with that advice. ``<!-- docs-test: skip REASON -->`` marks a block that cannot run in a
  test (a server that runs until stopped, a remote cluster); it is reported as skipped with REASON.
* Examples are run in-process with ``typer.testing.CliRunner`` on ``migratielab.cli:app``; an
  example with a shell pipe (``| tail -4``) runs through ``bash -c`` with the ``migratielab``
  script of the running virtualenv first on ``PATH`` and this checkout's ``src`` on ``PYTHONPATH``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migratielab.cli import app
from migratielab.data import store

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
COPIED_FOLDERS = ("scenarios", "experiments", "tests/data/fixtures")
ENVIRONMENT = {"COLUMNS": "200", "NO_COLOR": "1"}
SHELL_SYNTAX = re.compile(r"[|;&<>`]|\$\(")
MARKER = re.compile(r"<!--\s*docs-test:\s*(slow|skip|exact)\b:?\s*(.*?)\s*-->")
EXIT_CODE = re.compile(r"#.*\bexit code (\d+)")
EXPLORATION_ID = re.compile(r"\b([a-z0-9][a-z0-9-]*?)-\d{8}T\d{6}-[0-9a-f]{6}\b")
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@dataclass
class Example:
    """One documented command, where it is written, and the output shown under it."""

    path: Path
    line: int
    command: str
    output: list[str] = field(default_factory=list)
    marker: str = ""
    reason: str = ""

    @property
    def name(self) -> str:
        """Readable test id, e.g. ``README.md:33``."""
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.line}"


def _command_text(line: str) -> tuple[str, bool] | None:
    """The command on a block line and whether it had a ``$`` prompt; None if not an example."""
    text = line.strip()
    prompted = text.startswith("$ ")
    if prompted:
        text = text[2:].lstrip()
    return (text, prompted) if text.startswith("migratielab ") else None


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str], str]]:
    """Code blocks as (1-based number of the first content line, content lines, line before the block)."""
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith("```"):
            end = index + 1
            while end < len(lines) and not lines[end].lstrip().startswith("```"):
                end += 1
            yield index + 2, lines[index + 1 : end], _line_before(lines, index)
            index = end + 1
        elif (
            line.startswith(("    ", "\t")) and line.strip() and (index == 0 or not lines[index - 1].strip())
        ):
            end = index
            while end < len(lines) and (lines[end].startswith(("    ", "\t")) or not lines[end].strip()):
                end += 1
            yield index + 1, lines[index:end], _line_before(lines, index)
            index = end
        else:
            index += 1


def _line_before(lines: list[str], index: int) -> str:
    """The last non-blank line before line ``index`` (0-based)."""
    for line in reversed(lines[:index]):
        if line.strip():
            return line
    return ""


def collect(path: Path) -> list[Example]:
    """Every example in one Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    examples: list[Example] = []
    for first, block, before in _blocks(lines):
        marker = MARKER.search(before)
        current: Example | None = None
        offset = 0
        while offset < len(block):
            found = _command_text(block[offset])
            number = first + offset
            if found is not None:
                text, prompted = found
                while text.endswith("\\") and offset + 1 < len(block):
                    offset += 1
                    text = text[:-1].rstrip() + " " + block[offset].strip()
                current = Example(path, number, text)
                if marker:
                    current.marker, current.reason = marker.group(1), marker.group(2)
                examples.append(current)
                if not prompted:
                    current = None
            elif block[offset].lstrip().startswith("$ "):
                current = None  # another program's example; its output is not ours
            elif current is not None:
                current.output.append(block[offset])
            offset += 1
    return examples


EXAMPLES = [example for path in DOC_FILES for example in collect(path)]


def _param(example: Example) -> object:
    """A pytest parameter with the example's id and marks."""
    marks = [pytest.mark.slow] if example.marker == "slow" else []
    return pytest.param(example, id=example.name, marks=marks)


def _expected_patterns(output: list[str], exact: bool = False) -> list[tuple[str, re.Pattern[str]]]:
    """What must appear in the real output: (shown text, pattern) per compared line; with ``exact``
    a table row is compared whole, numbers included."""
    patterns = []
    for raw in output:
        line = raw.strip()
        if not re.search(r"\w", line):  # blank, "...", or a table border
            continue
        if exact and line[0] in "│┃":
            patterns.append((line, re.compile(re.escape(" ".join(line.split())))))
            continue
        if line[0] in "│┃":
            label = re.split(r"[│┃]", line)[1].strip()
            if label:
                patterns.append((label, re.compile(re.escape(" ".join(label.split())))))
            continue
        pieces = []
        for fragment in line.split("..."):
            words = " ".join(fragment.split())
            masked = [re.escape(part) for part in NUMBER.split(words)]
            pieces.append(r"[-+]?\d[\d,.eE+-]*".join(masked))
        patterns.append((line, re.compile(".*?".join(pieces))))
    return patterns


def _normalise(text: str) -> str:
    """Runs of spaces and tabs as one space, lines stripped."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The readers' working directory (with scenarios/ and experiments/) and its own store home."""
    work = tmp_path_factory.mktemp("docs-examples")
    for folder in COPIED_FOLDERS:
        shutil.copytree(ROOT / folder, work / folder)
    home = tmp_path_factory.mktemp("docs-home")
    previous_dir = Path.cwd()
    previous_home = os.environ.get("MIGRATIELAB_HOME")
    store.close()
    os.environ["MIGRATIELAB_HOME"] = str(home)
    os.chdir(work)
    try:
        yield work
    finally:
        os.chdir(previous_dir)
        store.close()
        if previous_home is None:
            os.environ.pop("MIGRATIELAB_HOME", None)
        else:
            os.environ["MIGRATIELAB_HOME"] = previous_home


def _resolve_ids(command: str) -> str:
    """Replace documented exploration ids by the newest stored exploration of the same name."""

    def newest(match: re.Match[str]) -> str:
        folder = Path(os.environ["MIGRATIELAB_HOME"]) / "explorations"
        made = sorted(folder.glob(f"{match.group(1)}-*T*-*"), key=lambda item: item.stat().st_mtime)
        return made[-1].name if made else match.group(0)

    return EXPLORATION_ID.sub(newest, command)


def _run(command: str) -> tuple[int, str]:
    """Run one example; return its exit code and everything it printed."""
    shell, _, _comment = command.partition(" #")
    if SHELL_SYNTAX.search(shell):
        bin_dir = Path(sys.executable).parent
        env = {
            **os.environ,
            **ENVIRONMENT,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", shell],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr
    arguments = shlex.split(command, comments=True)[1:]
    result = CliRunner().invoke(app, arguments, env=ENVIRONMENT)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_examples_found() -> None:
    """The collector sees the examples (guards against a convention silently matching nothing)."""
    assert len(EXAMPLES) >= 15
    assert {example.path.name for example in EXAMPLES} >= {"README.md", "explore.md", "web.md"}


def test_collector_convention(tmp_path: Path) -> None:
    """The convention on a small document: prompts, continuations, output, markers, indented blocks."""
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n"
        "```sh\n"
        "$ migratielab run --runs 10 \\\n"
        "      --out output/x   # exit code 2\n"
        "first line 1,000 runs\n"
        "│ Row label │ 12 │\n"
        "$ curl localhost\n"
        "not ours\n"
        "```\n\n"
        "<!-- docs-test: slow -->\n"
        "```\n"
        "migratielab explore big.yaml\n"
        "```\n\n"
        "    make run\n"
        "    migratielab backtest\n",
        encoding="utf-8",
    )
    first, slow, indented = collect(page)
    assert (first.line, first.command) == (4, "migratielab run --runs 10 --out output/x   # exit code 2")
    assert first.output == ["first line 1,000 runs", "│ Row label │ 12 │"]
    assert EXIT_CODE.search(first.command)
    shown = [pattern for _, pattern in _expected_patterns(first.output)]
    assert shown[0].search("first line 200 runs") and not shown[0].search("first file 200 runs")
    assert shown[1].search("│ Row label │ 99 │")
    assert (slow.marker, slow.output, indented.command) == ("slow", [], "migratielab backtest")
    exact = [pattern for _, pattern in _expected_patterns(first.output, exact=True)]
    assert exact[1].search("│ Row label │ 12 │") and not exact[1].search("│ Row label │ 13 │")


@pytest.mark.parametrize("example", [_param(example) for example in EXAMPLES])
def test_doc_example(example: Example, workspace: Path, request: pytest.FixtureRequest) -> None:
    """Run one documented command; check its exit code, no traceback, and its shown output."""
    if example.marker == "skip":
        pytest.skip(f"docs-test: skip: {example.reason or 'no reason given'}")
    selected = request.config.getoption("markexpr") or ""
    if example.marker == "slow" and ("slow" not in selected or "not slow" in selected):
        pytest.skip("slow doc example (<!-- docs-test: slow -->): run with -m slow")
    command = _resolve_ids(example.command)
    expected_code = int(code.group(1)) if (code := EXIT_CODE.search(command)) else 0
    exit_code, printed = _run(command)
    assert "Traceback (most recent call last)" not in printed, printed
    assert exit_code == expected_code, f"{command!r} exited {exit_code}:\n{printed}"
    real = _normalise(printed)
    exact = example.marker == "exact"
    for shown, pattern in _expected_patterns(example.output, exact):
        assert pattern.search(real), (
            f"{example.name}: shown output {shown!r} not in the real output"
            + (" (an exact block: paste the real output into the document)" if exact else "")
            + f":\n{printed}"
        )
    assert not any(
        path.name not in {"output", *(folder.split("/")[0] for folder in COPIED_FOLDERS)}
        for path in workspace.iterdir()
    ), f"{command!r} wrote outside output/: {sorted(p.name for p in workspace.iterdir())}"
