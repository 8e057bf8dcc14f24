from . import logistics_carrier  # noqa: F401
