from . import logistics_service_report
