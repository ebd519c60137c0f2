"""Comparing versions and explaining them: the compare page, its API, the narrative, and the
printable review document. The work itself is pure and lives in ``interpreter.compare`` and
``interpreter.explain``; this package finds the versions, checks who asks, and draws."""
