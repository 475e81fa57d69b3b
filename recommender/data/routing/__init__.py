"""Bundled routing data: region locations and carbon, country carbon, default offers (see PROVENANCE.md)."""
