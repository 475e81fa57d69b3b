"""Plan assembly: domain request -> solver problem -> ranked savings plans."""
