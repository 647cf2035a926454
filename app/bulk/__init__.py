"""Bulk work on pilots: a workbook of milestones, measurements and expenses to edit and import."""
