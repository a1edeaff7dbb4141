"""The book's tooling, apart from the science in :mod:`helpers`.

The runner (``python -m bookkit.run``: build, check, record, bench), the generated chapter
and status pages, the corpus importer, the evidence synthesis, the notebook scaffold, the
student copies and the rendered-site check. Notebooks never import it.
"""
