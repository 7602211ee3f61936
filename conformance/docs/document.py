"""A behaviour document (such as undocumented-behaviors.rst) read into its parts: the title, the prose
before the first item, and the items ("- " at the start of a line), each with its prose and its `>>>`
examples as Python's doctest reads them.

One repair, reported with the example it concerns: a line indented below a `>>>` line that ends with a
colon, without the `...` prompt, is read as that example's continuation (the document's `for` loop is
written so; doctest alone would read the loop's body as expected output and the loop as a syntax error).
"""
from __future__ import annotations

import doctest
import re
from dataclasses import dataclass, field
from pathlib import Path

ITEM_START = re.compile(r"^- (?P<title>\S.*)$")
PROMPT = re.compile(r"^(?P<indent> *)(>>>|\.\.\.) ")


@dataclass
class Example:
    item: int  # 1-based, as the catalogue's sources count them
    line: int  # 1-based line in the document
    source: str
    want: str
    exc_msg: str | None
    repaired: bool = False  # continuation lines without '...' were read as part of it


@dataclass
class Item:
    number: int
    title: str
    lines: list[str]  # the item's lines after its title, tabs expanded, as written
    first_line: int  # of the title, 1-based
    examples: list[Example] = field(default_factory=list)


@dataclass
class Document:
    path: Path
    title: str
    preamble: list[str]
    items: list[Item]

    @property
    def examples(self) -> list[Example]:
        return [example for item in self.items for example in item.examples]


class DocumentError(Exception):
    """The document cannot be read as one: the message names the problem and the fix."""


def read(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file; give the path of a reStructuredText document") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(f"{path}: cannot read it as UTF-8 text ({error})") from None
    lines = text.expandtabs().splitlines()
    title = next((line.strip() for line, underline in zip(lines, lines[1:])
                  if line.strip() and underline.strip() and set(underline.strip()) <= set("=-~*#")), path.stem)
    starts = [index for index, line in enumerate(lines) if ITEM_START.match(line)]
    if not starts:
        raise DocumentError(f"{path}: no items found; each behaviour starts with '- ' at the start of a line")
    title_end = next((index + 2 for index, line in enumerate(lines) if line.strip() == title), 0)
    items = []
    for number, (start, end) in enumerate(zip(starts, starts[1:] + [len(lines)]), start=1):
        body = lines[start + 1:end]
        item_title, rest = _title(ITEM_START.match(lines[start])["title"].strip())
        if rest:  # the first line's later sentences open the item's prose
            body = [rest, ""] + body
        item = Item(number, item_title, body, start + 1 - (2 if rest else 0))
        item.examples = _examples(number, body, item.first_line + 1)
        items.append(item)
    return Document(path, title, lines[title_end:starts[0]], items)


TITLE_WIDTH = 80


def _title(line: str) -> tuple[str, str]:
    """An item's title: its first line, or the first sentence of a long one (the rest returned), without
    a closing colon."""
    if len(line) > TITLE_WIDTH and ". " in line:
        first, rest = line.split(". ", 1)
        return first + ".", rest
    return line.rstrip(":").rstrip(), ""


def _examples(item: int, body: list[str], first_line: int) -> list[Example]:
    repaired_lines, repaired_at = _repair_continuations(body)
    parsed = doctest.DocTestParser().get_examples("\n".join(repaired_lines) + "\n")
    examples = []
    for example in parsed:
        span = range(example.lineno, example.lineno + example.source.count("\n"))
        examples.append(Example(item, first_line + example.lineno, example.source, example.want,
                                example.exc_msg, repaired=any(line in repaired_at for line in span)))
    return examples


def _repair_continuations(body: list[str]) -> tuple[list[str], set[int]]:
    """Lines indented below a prompt line ending with ':' become '...' lines; the indices repaired."""
    repaired, at = [], set()
    block_indent: int | None = None
    for index, line in enumerate(body):
        prompt = PROMPT.match(line)
        if prompt:
            block_indent = len(prompt["indent"]) if line.rstrip().endswith(":") else None
        elif block_indent is not None and line.strip() and len(line) - len(line.lstrip()) > block_indent:
            relative = max(4, len(line) - len(line.lstrip()) - block_indent - 4)  # under the code, not the prompt
            line = " " * block_indent + "... " + " " * relative + line.strip()
            at.add(index)
        else:
            block_indent = None
        repaired.append(line)
    return repaired, at
