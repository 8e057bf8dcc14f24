"""Shared check: every translatable term of a module has a zh_CN translation."""

from odoo.modules.module import get_module_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader


def untranslated_terms(env, module, lang="zh_CN"):
    """Source terms of ``module`` missing from its ``i18n/<lang>.po`` (or left empty)."""
    sources = {
        source
        for term_module, _type, _name, _res_id, source, _value, _comments in TranslationModuleReader(
            env.cr, modules=[module]
        )
        if term_module == module and source.strip()
    }
    path = f"{get_module_path(module)}/i18n/{lang}.po"
    with open(path, "rb") as po_file:
        translated = {entry["src"] for entry in PoFileReader(po_file) if entry["value"]}
    return sorted(sources - translated)
