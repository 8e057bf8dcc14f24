from . import customer_churn_report
from . import receivable_xlsx
