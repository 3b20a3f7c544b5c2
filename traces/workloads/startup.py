"""startup: an empty program. The trace is the interpreter starting up and
shutting down."""
