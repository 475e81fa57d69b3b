"""Clients of the Recommender service: the Python client and the ``finops-recommender`` CLI."""
