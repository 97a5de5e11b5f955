"""The batch commands (`python -m cli`): the same services the pages call. Not part of the domain."""
