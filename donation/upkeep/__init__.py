"""Keeping a database ready: migrations with units, rules and offices on start; backup and restore."""
