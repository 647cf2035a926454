"""Ideas: what a municipal team proposes in a hackathon, its revisions and attachments."""
