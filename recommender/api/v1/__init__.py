"""Generated code of the finops.recommender.v1 API (do not edit; run `make gen`)."""
