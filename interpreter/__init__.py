"""Statewise's Amazon States Language interpreter: parse, validate and run ASL, no Django."""
