from odoo import fields


class NullableFloat(fields.Float):
    """A float that stays empty (NULL) when there is nothing to measure.

    Odoo's float turns "no value" into 0.0; an unanswered survey or an open
    complaint would then pull averages down. Empty values stay out of AVG and
    show as blank.
    """

    def convert_to_column(self, value, record, values=None, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_column(value, record, values, validate)

    def convert_to_cache(self, value, record, validate=True):
        if value is None or value is False:
            return None
        return super().convert_to_cache(value, record, validate)

    def convert_to_record(self, value, record):
        return False if value is None else value

    def convert_to_export(self, value, record):
        return "" if value is None or value is False else value
