"""Reference data the policy packs read that changes faster than a pack (FCDO travel advice)."""
