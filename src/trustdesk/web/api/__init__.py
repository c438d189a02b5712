"""The JSON API: organisations, people, screening and engagements over the same services."""
