"""Complaint figures: no answer, no acknowledgement or no resolution is empty, not 0."""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE logistics_complaint SET first_response_hours = NULL
            WHERE acknowledged_date IS NULL AND first_response_hours IS NOT NULL;
           UPDATE logistics_complaint SET resolution_hours = NULL
            WHERE resolved_date IS NULL AND resolution_hours IS NOT NULL;
           UPDATE logistics_complaint c SET satisfaction_score = NULL
            WHERE satisfaction_score IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM logistics_complaint_survey s
                               WHERE s.complaint_id = c.id)"""
    )
