import os
import sys

# The helpers live beside the tests; make them importable however pytest was started.
sys.path.insert(0, os.path.dirname(__file__))
