"""Judging: the jury, review assignment, scoring, ranking and winners."""
