"""The researcher-facing triage questionnaire, its saved answers and outcomes."""
