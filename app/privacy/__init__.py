"""Privacy: retention written once and enforced, a copy of one's data, and erasure that
keeps the programme records whole."""
