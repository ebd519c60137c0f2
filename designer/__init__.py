"""Statewise's Django project and app: models, API, pages, graph rendering."""
