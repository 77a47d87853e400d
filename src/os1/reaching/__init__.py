"""OS1 reaching out: follow-ups on what a person said would happen, check-ins after silence, maintenance notices."""
