"""Hackathons: the call for ideas, its phases, dates and judging criteria."""
