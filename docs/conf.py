"""Sphinx configuration of the skscale documentation.

Build with ``docs/build.sh`` (warnings are errors). Everything here works
offline: no intersphinx, no downloads at build time.
"""

import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

import skscale  # noqa: E402  (after the path and backend setup)

project = "skscale"
author = "the skscale developers"
copyright = "the skscale developers, BSD-3-Clause"
version = release = skscale.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "markdown_include",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"  # `x` in prose renders as code, never as a broken ref

# -- autodoc / autosummary / numpydoc --------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False


def _plain_sphinx_roles(app, what, name, obj, options, lines):
    """Docstrings inherited from scikit-learn point into scikit-learn's own
    glossary and user guide (``:term:``, ``:ref:``), which this site does not
    have; keep their text, drop the link."""
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("skscale"):
        return
    role = re.compile(r":(?:term|ref|doc):`(?:([^`<]*?)\s*<[^`>]*>|([^`]*))`")
    for i, line in enumerate(lines):
        lines[i] = role.sub(lambda m: f"*{(m.group(1) or m.group(2)).strip()}*", line)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sphinx_roles)
    app.add_css_file("skscale.css")


# -- doctest: code in the pages is run by `sphinx-build -b doctest` ---------
doctest_test_doctest_blocks = ""  # docstring examples are run by pytest
doctest_global_setup = """
import warnings
import numpy as np
try:
    import distributed
    HAVE_DASK = True
except ImportError:
    HAVE_DASK = False
"""

# -- matplotlib plot directive ---------------------------------------------
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.dpi": 110, "savefig.bbox": "tight", "font.size": 10}
plot_apply_rcparams = True
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"

# -- HTML ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skscale {release}"
html_static_path = ["_static"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"benchmarks": [], "getting_started": []}
html_context = {"default_mode": "light"}
