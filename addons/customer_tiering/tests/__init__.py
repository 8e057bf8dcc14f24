from . import test_demo_story
from . import test_security
