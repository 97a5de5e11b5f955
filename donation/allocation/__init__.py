"""Allocation: paid money meets approved nominations by the published rules; the engine, its reference and the explanation."""
