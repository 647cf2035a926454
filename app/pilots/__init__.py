"""Pilot projects: milestones, outcome indicators, money, progress reports and health."""
