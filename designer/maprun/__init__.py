"""Distributed Map children of simulated runs, stored beside the run instead of in its snapshot.

A 100k-item Map Run's finished children would make every snapshot of the run grow with the run
(and PostgreSQL refuses a value past 1 GB). Each write stores the children that succeeded since
the last one (``interpreter.map_run.take_finished``) as one row per chunk; the snapshot leaves
them out, and a restore puts them back (``fill_stored``). A Map Run's items' inputs are stored
once, when it began (``store_inputs``), and put back into the snapshot before a restore. Each
child's history is stored as the child ends (``ChildHistory``, bounded rows and statements) and
read through ``/api/executions/{id}/map-runs/{run}/children/{index}/history/``; every write
records the Map Runs' counts on the run's row (``Execution.map_runs``).
"""
