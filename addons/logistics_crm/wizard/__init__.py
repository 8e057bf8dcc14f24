from . import logistics_tracking_upload
