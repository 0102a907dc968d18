"""Reading a lesson: its one Markdown source, read into cells (the package docstring lists the modules)."""
