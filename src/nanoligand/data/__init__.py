"""Cited data tables (YAML) shipped with nanoligand."""
