from . import test_key_value_connector  # noqa: F401
