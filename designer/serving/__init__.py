"""Serving Statewise: ``manage.py runserver`` (one process, for a developer) and ``manage.py serve``
(several worker processes, for a team), each with the runner that advances continuing runs, and
the error pages people see. An app of its own, listed before ``daphne`` so that its ``runserver``
is the one ``manage.py`` finds."""
