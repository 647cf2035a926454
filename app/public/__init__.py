"""What anyone can see: the home page, language choice, health check."""
