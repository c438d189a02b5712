"""Users, departments, roles and sign-in (local accounts and single sign-on)."""
