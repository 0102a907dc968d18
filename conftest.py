# Lesson pages under docs/ are collected as tests by this plugin (see its docstring).
pytest_plugins = ["course.check.pytest_plugin"]
