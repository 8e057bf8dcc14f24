from . import test_demo_story
from . import test_security
from . import test_tiering
from . import test_credit
from . import test_translations
from . import test_receivable_snapshot
from . import test_receivable_statement
from . import test_receivable_collection
