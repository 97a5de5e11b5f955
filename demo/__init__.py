"""Demo data for the embedded database, made through the officials' own services. Not part of the domain."""
