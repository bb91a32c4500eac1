"""Scoring: ROUGE per article, aggregation with bootstrap intervals, the signature."""
