"""The training code of Lessons 4 to 6 is device-agnostic: the device is chosen once, and every
model and every batch that meets a model is moved to it.

What this proves, and what not: the machines that build the course have no accelerator, so every
lesson runs on the CPU, where a forgotten ``.to(device)`` changes nothing and no printed output
could show it. So these tests read the lessons' code rather than run it: the one device choice
(``torch.accelerator``, which finds CUDA, Apple's MPS and other accelerators, else the CPU), and a
``.to(device)`` on every model built and on every batch before it meets a model. They do not run
the lessons on a GPU, and they do not follow tensors made some other way; on a GPU the printed
numbers may differ in their last digits (the notebooks' checks tolerate that).
"""

import re

import pytest

from course import ROOT
from course.check.pytest_plugin import python_blocks

PAGES = [p for p in sorted((ROOT / "docs" / "lessons").glob("*.md")) if int(p.stem[:2]) >= 4]
CHOICE = ('device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() '
          'else torch.device("cpu")')
MODEL = re.compile(r"^\s*\w+ = (IPOClassifier|WideClassifier|nn\.Linear|make_model)\(.*\)")


def code_lines(page):
    for block in python_blocks(page):
        for offset, line in enumerate(block.code.splitlines()):
            yield block.lineno + 1 + offset, line


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_the_device_is_chosen_once(page):
    choices = [n for n, line in code_lines(page) if line.strip().startswith("device = ")]
    assert len(choices) == 1, f"{page.name}: the device is chosen at lines {choices}"
    assert any(CHOICE in block.code for block in python_blocks(page)), f"{page.name}: the device is not chosen with {CHOICE}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_model_and_batch_is_moved_to_the_device(page):
    lines = list(code_lines(page))
    problems = []
    for i, (n, line) in enumerate(lines):
        if MODEL.match(line) and ".to(device)" not in line:
            problems.append(f"{page.name}:{n}: a model that stays where it was built: {line.strip()}")
        if re.match(r"^\s*for xb, yb in ", line) or re.match(r"^\s*xb, yb = next\(iter\(", line):
            # before the batch meets a model (``model(xb)``, ``net(xb)``...), it is moved
            later = [text for _, text in lines[i + 1:] if "xb.to(device)" in text or re.search(r"\w\(xb\)", text)]
            if not later or "xb.to(device)" not in later[0]:
                problems.append(f"{page.name}:{n}: a batch that meets a model before it is moved to the device")
    assert not problems, "\n".join(problems)
