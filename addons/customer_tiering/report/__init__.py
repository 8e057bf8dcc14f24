from . import customer_churn_report
