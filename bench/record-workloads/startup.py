"""startup: an empty program: interpreter start-up and shutdown only."""
