"""The core reads as the way data moves: imports go one way, and the package says what each module is.

Every import counts, at the top of a module or inside a function (a local import hides a cycle,
it does not remove it)."""

import ast
import re

from course import ROOT

COURSE = ROOT / "course"
STAGES = ("read", "run", "render", "check")  # the folders, in the order a lesson goes through them
# Every module, by its dotted name under ``course`` ("settings", "read.source", ...).
MODULES = sorted(".".join(p.relative_to(COURSE).with_suffix("").parts) for p in COURSE.rglob("*.py")
                 if p.name != "__init__.py")


def imports_of(name: str) -> set[str]:
    """The modules of ``course`` that ``course/<name>.py`` imports, anywhere in it."""
    tree = ast.parse((COURSE / f"{name.replace('.', '/')}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "course":
            package = node.module.removeprefix("course").lstrip(".")
            found |= {f"{package}.{a.name}".lstrip(".") for a in node.names} & set(MODULES)
            found |= {package} & set(MODULES)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("course.") for a in node.names} & set(MODULES)
    return found - {name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle, each once, as the chain of modules that closes it."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_module_of_course_imports_one_that_imports_it_back():
    graph = {name: imports_of(name) for name in MODULES}
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle_however_it_is_hidden():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_docstring_names_every_module_once():
    import course

    named = re.findall(r"^-? ?``course\.([\w.]+)``", course.__doc__, re.M)
    named += re.findall(r"and ``course\.([\w.]+)``", course.__doc__)
    assert sorted(named) == MODULES


def test_every_module_sits_in_the_folder_of_its_stage():
    """Beside ``settings``, for the modules of every stage, each module is in one stage's folder, and the
    package docstring presents the stages in the order a lesson goes through them."""
    import course

    assert {name.split(".")[0] for name in MODULES if "." in name} == set(STAGES)
    assert [name for name in MODULES if "." not in name] == ["settings"]
    headings = re.findall(r"^``course/(\w+)/``", course.__doc__, re.M)
    assert headings == list(STAGES)
    for stage in STAGES:
        for name in re.findall(rf"``course\.{stage}\.(\w+)``", course.__doc__):
            section = course.__doc__.split(f"``course/{stage}/``", 1)[1].split("\n\n``course/", 1)[0]
            assert f"``course.{stage}.{name}``" in section, f"{stage}.{name} is listed under another stage"


def test_every_setting_is_in_the_one_table_and_read_in_one_place():
    """``course.settings.Settings`` is the one place a setting comes from: the table of
    docs/contributing.md lists each of its fields with its default, and no other module of
    ``course/`` reads one from the environment."""
    import dataclasses
    import re

    from course import settings

    text = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    section = text.split("## Settings\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `(\w+)` \|", section, re.M)
    assert listed == [f.name for f in dataclasses.fields(settings.Settings)]
    for variable in ("COURSE_JOBS", "COURSE_CELL_TIMEOUT", settings.DATA_VARIABLE):
        assert f"`{variable}`" in section
    for library in (*settings.KEYED_LIBRARIES, *settings.EXECUTION_STACK):
        assert library in section
    readers = {path.name for path in COURSE.rglob("*.py") if path.name != "settings.py"
               if re.search(r"(environ\.get\(|environ\[|getenv\()\s*(\"(COURSE_JOBS|COURSE_CELL_TIMEOUT|IPO_DATA_DIR)\"|"
                            r"[\w.]*(ENV_VAR|DATA_VARIABLE))",
                            path.read_text(encoding="utf-8"))}
    assert readers == set(), f"{readers} read a setting from the environment: read settings.current()"
