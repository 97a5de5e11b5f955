"""Who may do what and what they did: roles, accounts and sign-in, the audit log, settings, offices, administrative units."""
