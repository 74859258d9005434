#!/usr/bin/env bash
# Build the skscale documentation with warnings as errors, then run the code
# examples of its pages (sphinx.ext.doctest). From a fresh virtual environment:
#
#     python -m pip install -e ".[docs,plot]"
#     docs/build.sh                 # HTML in docs/_build/html
#
# Set PYTHON to use another interpreter (default: python on PATH). The build
# is always clean, so every warning of every page is reported.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
export MPLBACKEND=Agg

rm -rf docs/_build docs/api/generated
start=$(date +%s)
# 1. The site. The plot directives run their code here, so a broken figure
#    example fails the build.
"$PYTHON" -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html
# 2. The testcode/doctest blocks of the pages, against their shown output
#    (reuses the doctrees of step 1).
"$PYTHON" -m sphinx -W --keep-going -b doctest -d docs/_build/doctrees docs docs/_build/doctest
echo "Documentation built in $(( $(date +%s) - start ))s: docs/_build/html/index.html"
