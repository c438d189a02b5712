"""List sources, immutable snapshots and their entries: storage over the engine's parsers."""
