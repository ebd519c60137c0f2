"""Test suites: expectations on test cases, running them, coverage from their event logs,
suggested test cases, and JUnit XML. Pure Python, no Django.

* ``spec``: a test case (input, mock config test case, callbacks answered, expectations), read
  from plain JSON with diagnostics that carry a JSON Pointer;
* ``checks``: the expectations against one run, the first failure in plain words;
* ``runner``: one case or a whole suite in the interpreter, bounded in transitions and time;
* ``coverage``: states entered and edges taken, folded from the runs' history events;
* ``suggest``: test cases that reach what no case covers yet, each run before it is offered;
* ``casefile``: the expectations file of ``python -m interpreter test``;
* ``junit``: the suite's result as JUnit XML.
"""
