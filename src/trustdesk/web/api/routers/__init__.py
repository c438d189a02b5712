"""One router per resource; each parses, calls a selector and/or a service, and serialises."""
