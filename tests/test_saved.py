"""Code written once and reused (``course.read.saved``): a statement a lesson marks ``#@save`` stands in
that lesson's file only, and every later ```` ```python saved ```` block holds it, derived."""

from __future__ import annotations

import ast
import re

import pytest

from course.check import snippets
from course.read import saved, source
from course.check.pytest_plugin import python_blocks

PAGES = source.pages()

PAGE = '''# Lesson 9 - Saving

```python
import math  #@save

x = 2  #@save
y = 3
def double(v):  #@save
    """Twice v."""
    return 2 * v

print(double(x))
# Output: 4
```

??? note "Set-up"

    ```python saved
    ```
'''


def write(tmp_path, text=PAGE):
    page = tmp_path / "09-saving.md"
    page.write_text(text, encoding="utf-8")
    return page


def test_a_saved_block_holds_the_marked_statements_and_no_mark_is_shown(tmp_path):
    page = write(tmp_path)
    lesson = source.read(page)
    first, holder = lesson.code()
    assert "#@save" not in first.text and first.text.startswith("import math\n\nx = 2\ny = 3\ndef double(v):")
    assert holder.text == 'import math\n\nx = 2\n\ndef double(v):\n    """Twice v."""\n    return 2 * v' \
        .replace("import math", "# From Lesson 9\nimport math")
    assert holder.folded and holder.role == "block"
    assert holder.origins[1] == f"{source.relative(page)}:4" and holder.origins[5] == f"{source.relative(page)}:8"
    shown = source.for_page(page.read_text(encoding="utf-8"), page.stem)
    assert "#@save" not in shown and "python saved" not in shown
    assert '    ```python\n    # From Lesson 9\n    import math\n' in shown  # in its note, indented
    assert [b.code for b in python_blocks(page)][1] == holder.text + "\n"


@pytest.mark.parametrize("text, says", [
    (PAGE.replace("y = 3", "y = [1,\n     2]  #@save"), ":8: #@save ends the first line of a top-level statement"),
    (PAGE.replace("```python saved\n    ```", "```python saved\n    z = 1\n    ```"), ":18: a ```python saved block is left empty"),
    (PAGE.replace("```python\nimport math", "```python starter\nimport math"), ":3: only a plain ```python block"),
    ("# Lesson 9 - Saving\n\n```python saved\n```\n", ":3: a ```python saved block holds the code"),
])
def test_a_misplaced_mark_or_a_saved_block_with_nothing_to_hold_names_its_line(tmp_path, text, says):
    page = write(tmp_path, text)
    with pytest.raises(source.SourceError, match=r"09-saving\.md" + re.escape(says)):
        source.read(page)


def test_refreshing_the_outputs_keeps_the_marks(tmp_path):
    page = write(tmp_path)
    [block] = [b for b in python_blocks(page) if "print(double(x))" in b.code]
    snippets.rewrite(page, [(block.lineno + 1, block.code, block.code.replace("# Output: 4", "# Output: 5"))])
    text = page.read_text(encoding="utf-8")
    assert "import math  #@save\n" in text and "def double(v):  #@save\n" in text and "# Output: 5" in text


def test_each_function_and_class_is_written_in_one_lesson_file():
    """A definition is written where it is taught; a later lesson holds it in a saved block."""
    where: dict[str, list[str]] = {}
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in python_blocks(page):
            if saved.is_saved_block(block.info):
                continue
            try:
                tree = ast.parse(block.code)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    where.setdefault(ast.unparse(node), []).append(f"{page.name}:{block.lineno}")
        assert "#@save" not in source.for_page(text, page.stem)
    twice = {code.split("\n")[0]: places for code, places in where.items()
             if len({place.split(":")[0] for place in places}) > 1}
    assert not twice, f"defined in two lesson files, the same: {twice}"


def test_the_later_lessons_hold_the_earlier_ones_code_derived():
    lesson_5 = next(p for p in PAGES if p.name.startswith("05-"))
    [holder] = [b for b in python_blocks(lesson_5) if saved.is_saved_block(b.info)]
    assert "class IPODataset(Dataset):" in holder.code and "def fit(model, optimizer" in holder.code
    assert "class IPODataset" not in lesson_5.read_text(encoding="utf-8")
    assert holder.code.index("# From Lesson 1") < holder.code.index("# From Lesson 4")
