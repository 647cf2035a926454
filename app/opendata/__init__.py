"""Open data: every public table as CSV and JSON, the whole dataset as one SQLite file,
under CC BY 4.0, with a data dictionary — all written from one description
(dataset.TABLES). No personal data: no e-mails, no names of people, no judges."""
