"""For the whole suite: no test's verdict may depend on how fast the machine is."""
from hypothesis import HealthCheck, settings

# Hypothesis fails an example slower than 200 ms by default, and a slow generator as unhealthy:
# on a loaded CI machine that is a verdict about the machine. Examples are bounded by count.
settings.register_profile("statewise", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("statewise")
