"""The checker behind every code block: what counts as documented output, and what a failure says."""

import pytest

from course.check import snippets
from course.check.pytest_plugin import python_blocks

BLOCK = '''a = 6 * 7
print("answer:", a)
# Output: answer: 42

print("two\\nlines")
# Output:
# two
# lines
'''


def test_output_comments_are_parsed_with_their_lines():
    expected = snippets.expected_output(BLOCK, first_lineno=10)
    assert [(e.lineno, e.text) for e in expected] == [(12, "answer: 42"), (16, "two"), (17, "lines")]


def test_a_plain_comment_after_code_is_not_output():
    code = 'print(1)\n# Output: 1\nx = 2  # a note\n# just a comment\n'
    assert [e.text for e in snippets.expected_output(code)] == ["1"]


def test_matching_output_passes():
    assert snippets.check(BLOCK, {}, "page.md") == "answer: 42\ntwo\nlines\n"


def test_a_wrong_digit_names_the_line_and_shows_a_diff():
    with pytest.raises(snippets.SnippetError) as err:
        snippets.check(BLOCK.replace("answer: 42", "answer: 43"), {}, "page.md", first_lineno=10)
    message = str(err.value)
    assert message.startswith("page.md:12: printed output differs")
    assert "-answer: 43" in message and "+answer: 42" in message


def test_undocumented_output_fails():
    with pytest.raises(snippets.SnippetError, match="prints output that no '# Output:' comment documents"):
        snippets.check("print('surprise')\n", {}, "page.md")


def test_missing_output_fails_at_the_extra_documented_line():
    with pytest.raises(snippets.SnippetError, match=r"page.md:3: printed output differs"):
        snippets.check("print(1)\n# Output: 1\n# 2\n", {}, "page.md")


def test_an_exception_names_the_page_line_and_type():
    with pytest.raises(snippets.SnippetError) as err:
        snippets.check("x = 1\ny = x.nope\n", {}, "page.md", first_lineno=20)
    assert str(err.value).startswith("page.md:21: AttributeError")


def test_blocks_share_a_namespace_like_a_script():
    namespace = {}
    snippets.check("n = 319\n", namespace, "page.md")
    snippets.check("print(n)\n# Output: 319\n", namespace, "page.md")


def test_update_rewrites_each_group_and_keeps_the_rest():
    stale = BLOCK.replace("answer: 42", "answer: 41").replace("# lines\n", "")
    assert snippets.updated(stale, {}, "page.md") == BLOCK


def test_update_adds_a_group_for_undocumented_output():
    assert snippets.updated("print(7)\n", {}, "page.md") == "print(7)\n# Output: 7\n"


def test_rewrite_keeps_indentation_and_blank_lines_of_blocks_in_admonitions(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        '??? success "Solution"\n\n    ```python\n    x = 2\n\n    print(x * 21)\n'
        "    # Output: 41\n    ```\n\nAfter.\n"
    )
    [block] = python_blocks(page)
    assert block.code == "x = 2\n\nprint(x * 21)\n# Output: 41\n"
    new = snippets.updated(block.code, {}, "page.md", block.lineno + 1)
    snippets.rewrite(page, [(block.lineno + 1, block.code, new)])
    assert page.read_text() == (
        '??? success "Solution"\n\n    ```python\n    x = 2\n\n    print(x * 21)\n'
        "    # Output: 42\n    ```\n\nAfter.\n"
    )
