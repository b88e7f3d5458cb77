"""Language choice for resident pages: ?lang= (remembered in the session), then the browser.

やさしい日本語 (easy Japanese) is its own catalogue, ``ja_easy``, with Japanese formatting.
"""

from functools import cached_property

from babel import support
from flask import current_app, g, request, session
from flask_babel import Babel, Domain

LANGUAGE_NAMES = {
    "ja": "日本語",
    "ja_easy": "やさしい にほんご",
    "en": "English",
    "zh": "中文",
    "ko": "한국어",
    "vi": "Tiếng Việt",
}
HTML_LANG = {"ja": "ja", "ja_easy": "ja", "en": "en", "zh": "zh-Hans", "ko": "ko", "vi": "vi"}


def current_language() -> str:
    """The page language: ?lang=, else the session's choice, else Accept-Language, else ja."""
    if "lang" in g:
        return g.lang
    langs = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    if lang in langs:
        session["lang"] = lang
    else:
        lang = session.get("lang")
        if lang not in langs:
            best = request.accept_languages.best_match([c for c in langs if c != "ja_easy"])
            lang = best or current_app.config["BABEL_DEFAULT_LOCALE"]
    g.lang = lang
    return lang


def select_locale() -> str:
    """The Babel locale for formatting: easy Japanese formats as Japanese."""
    lang = current_language()
    return "ja" if lang == "ja_easy" else ("zh_Hans" if lang == "zh" else lang)


class JunbanDomain(Domain):
    """Flask-Babel's domain, reading the ``ja_easy`` catalogue for easy Japanese."""

    def get_translations(self):
        try:
            lang = current_language()
        except RuntimeError:  # outside a request
            return super().get_translations()
        if lang not in ("ja_easy", "zh"):
            return super().get_translations()
        key = (lang, self.domain[0])
        cached = self.cache.get(key)
        if cached is None:
            cached = support.Translations()
            for dirname in self.translation_directories:
                cached.merge(support.Translations.load(dirname, [lang], self.domain[0]))
                if lang == "ja_easy":  # staff-only strings have no easy version: plain Japanese
                    cached.add_fallback(support.Translations.load(dirname, ["ja"],
                                                                  self.domain[0]))
            self.cache[key] = cached
        return cached


class JunbanBabel(Babel):
    """Flask-Babel with the easy-Japanese-aware domain."""

    @cached_property
    def domain_instance(self):
        return JunbanDomain(domain=self.domain)


def shared_screen_language() -> str:
    """Kiosks and hall displays serve everyone: Japanese unless this very request asks (?lang=)."""
    lang = request.args.get("lang")
    g.lang = lang if lang in current_app.config["LANGUAGES"] else "ja"
    return g.lang
