"""Policy packs and triage rules, as versioned data (framework-free)."""
