from . import test_demo_story
from . import test_security
from . import test_tiering
from . import test_translations
