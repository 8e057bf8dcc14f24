"""Shared translation checks: terms translated, .pot up to date, nothing left in English."""

import io
import re

import polib
from lxml import etree, html

from odoo.modules.module import get_manifest, get_module_path
from odoo.tools.translate import PoFileReader, TranslationModuleReader, trans_export

OUR_MODULES = ("customer_tiering", "logistics_crm")
# README, "Other commands": `make pot` runs this in a fresh database without demo data
POT_COMMAND = (
    "make pot, or in a database with both addons installed and up to date (no demo data): "
    "odoo --addons-path=addons -d <database> --modules={module} "
    "--i18n-export=addons/{module}/i18n/{module}.pot --stop-after-init"
)


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


# -- the shipped .pot -------------------------------------------------------------


def pot_path(module):
    return f"{get_module_path(module)}/i18n/{module}.pot"


def _demo_xmlids(module):
    """External ids the module's demo files define: a database with demo data exports
    their terms too, the shipped template does not carry them."""
    xmlids = set()
    for name in get_manifest(module).get("demo", []):
        if not name.endswith(".xml"):
            continue
        tree = etree.parse(f"{get_module_path(module)}/{name}")
        for xmlid in tree.xpath("//@id"):
            xmlids.add(xmlid if "." in xmlid else f"{module}.{xmlid}")
    return xmlids


def _pot_entries(content, skipped_xmlids):
    """{msgid: (comment, occurrences)} of a .pot, without its header and demo records."""
    entries = {}
    for entry in polib.pofile(content):
        occurrences = [
            place
            for place, _line in entry.occurrences
            if place.rsplit(":", 1)[-1] not in skipped_xmlids
        ]
        if entry.occurrences and not occurrences:
            continue
        entries[entry.msgid] = (entry.comment, tuple(occurrences))
    return entries


def pot_differences(env, module):
    """Terms by which the shipped ``i18n/<module>.pot`` and a fresh export differ."""
    buffer = io.BytesIO()
    trans_export(False, [module], buffer, "po", env.cr)
    skipped = _demo_xmlids(module)
    fresh = _pot_entries(buffer.getvalue().decode(), skipped)
    with open(pot_path(module), encoding="utf-8") as pot_file:
        shipped = _pot_entries(pot_file.read(), skipped)
    return {
        "missing from the .pot": sorted(set(fresh) - set(shipped)),
        "gone from the code": sorted(set(shipped) - set(fresh)),
        "moved or changed": sorted(
            msgid for msgid in set(fresh) & set(shipped) if fresh[msgid] != shipped[msgid]
        ),
    }


class ShippedTranslationChecks:
    """The checks every addon of ours runs on its own translation files; mixed into a
    TransactionCase with ``_module`` set (a mixin, so that no test runs it unbound)."""

    _module = None
    # Odoo's loader only runs the test methods a class defines itself unless told so
    allow_inherited_tests_method = True

    def test_every_term_has_a_chinese_translation(self):
        missing = untranslated_terms(self.env, self._module)
        self.assertFalse(missing, f"{len(missing)} untranslated term(s): {missing[:20]}")

    def test_the_shipped_pot_is_up_to_date(self):
        differences = {
            what: terms for what, terms in pot_differences(self.env, self._module).items() if terms
        }
        self.assertFalse(
            differences,
            f"i18n/{self._module}.pot is out of date; regenerate it with\n  "
            + POT_COMMAND.format(module=self._module)
            + f"\nthen translate the new terms in i18n/zh_CN.po: {differences}",
        )


# -- rendered pages, files and names in Chinese -------------------------------------


# ours and those whose layouts frame our pages, mails and reports (all 50 take 20 s more)
CHINESE_MODULES = ["base", "web", "mail", "portal", *OUR_MODULES]


def load_chinese(env):
    """Activate zh_CN and load the translations of our modules and of their frames."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(CHINESE_MODULES, ["zh_CN"], overwrite=True)
    env.invalidate_all()


PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{.*?\}\}")
TAG = re.compile(r"<[^>]+>")
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _squeeze(text):
    return " ".join(text.split())


class EnglishLeaks:
    """Our English source terms, to find those rendered untranslated.

    A rendered text is a leak when it is one of our msgids (placeholders filled with
    anything), or holds a sentence of three words or more of one. Terms whose
    translation is the term itself (proper nouns, codes) and terms without an English
    word are not flagged.
    """

    def __init__(self, modules=OUR_MODULES, lang="zh_CN"):
        exact, patterns, sentences = set(), [], set()
        for module in modules:
            with open(f"{get_module_path(module)}/i18n/{lang}.po", "rb") as po_file:
                translations = {entry["src"]: entry["value"] for entry in PoFileReader(po_file)}
            for entry in polib.pofile(pot_path(module)):
                source = _squeeze(entry.msgid)
                if translations.get(entry.msgid, "").strip() in ("", entry.msgid.strip()):
                    continue
                plain = _squeeze(TAG.sub(" ", PLACEHOLDER.sub("\0", source)))
                if not ENGLISH_WORD.search(plain.replace("\0", " ")):
                    continue
                if "\0" in plain or plain != source:
                    pieces = [re.escape(piece.strip()) for piece in plain.split("\0")]
                    patterns.append(re.compile(r"\s*.+?\s*".join(pieces)))
                else:
                    exact.add(source)
                for piece in plain.split("\0"):
                    piece = piece.strip(" .,:;!?()")
                    if len(piece.split()) >= 3:
                        sentences.add(piece)
        self.exact = exact
        self.patterns = patterns
        self.sentences = sentences

    def in_text(self, text):
        """The English term ``text`` is (or holds), else None."""
        text = _squeeze(text or "")
        if not ENGLISH_WORD.search(text):
            return None
        if text in self.exact or text.rstrip(" :") in self.exact:
            return text
        for pattern in self.patterns:
            if pattern.fullmatch(text):
                return text
        for sentence in self.sentences:
            if sentence in text:
                return sentence
        return None

    def in_texts(self, texts):
        return sorted({leak for leak in map(self.in_text, texts) if leak})

    def in_html(self, content):
        """Leaks in the visible texts of an HTML page or fragment (text nodes,
        placeholders, titles, labels and the texts of whole blocks)."""
        if isinstance(content, bytes):
            content = content.decode()
        if not content.strip():
            return []
        root = html.fromstring(content)
        for hidden in root.xpath("//script|//style|//head"):
            hidden.drop_tree()
        texts = list(root.xpath("//text()"))
        texts += root.xpath("//@placeholder|//@title|//@aria-label|//@alt")
        texts += [
            element.text_content()
            for element in root.iter("p", "div", "td", "th", "li", "span", "label", "a", "button")
            if len(element.text_content()) < 500
        ]
        return self.in_texts(texts)
