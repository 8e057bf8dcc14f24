from odoo.tests import TransactionCase, tagged

from .translations import untranslated_terms


@tagged("post_install", "-at_install")
class TestChineseTranslation(TransactionCase):
    def test_every_term_has_a_chinese_translation(self):
        missing = untranslated_terms(self.env, "customer_tiering")
        self.assertFalse(missing, f"{len(missing)} untranslated term(s): {missing[:20]}")
