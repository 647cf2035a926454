"""The programme around the hackathons: capacity-building events, their attendance and the
programme's result indicator (people trained in municipalities and planning regions)."""
