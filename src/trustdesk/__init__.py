"""trustdesk: research-security case management for universities."""

__version__ = "0.1.0"
