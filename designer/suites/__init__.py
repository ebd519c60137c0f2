"""Test suites in the web app: expectations on saved test cases, suite runs stored per version,
coverage, suggested test cases and the hand-over bundle. The logic is ``interpreter.testing``;
this package stores, checks access and serves.

- ``models``: a test case's expectations (``CaseSpec``) and a suite's result (``SuiteRun``);
- ``services``: the writes (set expectations, run a suite, open a case in the simulator, save a
  suggestion); ``selectors``: the reads;
- ``bundle``: the hand-over zip; ``api``: the REST endpoints.
"""
