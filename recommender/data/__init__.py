"""Bundled default data (see PROVENANCE.md); rebuild with ``python -m recommender.data.build_defaults``."""
