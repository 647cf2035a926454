"""Site search: municipalities, hackathons, public ideas and pilots, Latvian letters folded."""
