"""Lawbridge: a foreign-related legal services platform."""
