"""Settings by area, each owned by the app that needs it; `settings.py` composes them."""
