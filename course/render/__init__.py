"""Rendering the site from the runs: notebooks, page values, glossary links, set-up, Colab, print."""
