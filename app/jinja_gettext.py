"""Templates' `_("…")` at the cost of a dictionary lookup.

Jinja's gettext call goes through `context.call`, Jinja's newstyle wrapper (another
`context.call`), our catalogue's lookup, `Markup(…)` and `% {}`: ~10–20 µs a string, and a
teacher's portal has ~700 of them. The templates' compiler here turns every `_("constant")` and
`gettext("constant")` (and `{% trans %}` blocks, which compile to the same call) into a call of
`environment.austausch_gettext(text, autoescape)`, which keeps each text's finished result on
the catalogue it came from: the second time a page asks for "Host family" in German it is one
dictionary lookup. The result is the same as Jinja's (`Markup(translated) % {}` in an HTML
template, `translated % {}` elsewhere); with keyword arguments the cached text is formatted with
them as Jinja does (`Markup % {…}` escapes the values). A template that assigns `_` or `gettext`
itself (`{% set _ = … %}`) is compiled as before.
"""

from __future__ import annotations

from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup, escape

NAMES = ("_", "gettext")
PLURAL = "ngettext"
_NUMBERS = (int, float)
_KEPT = "_austausch_rendered"  # the attribute of a catalogue holding its finished texts


def _constant_plural(node: nodes.Call) -> tuple[str, str] | None:
    """The texts of `ngettext("…", "…", n)` with constant strings and at most plain keyword
    arguments (`{% trans count=… %}…{% pluralize %}…` compiles to the same call)."""
    if not (isinstance(node.node, nodes.Name) and node.node.name == PLURAL):
        return None
    if len(node.args) != 3 or node.dyn_args is not None or node.dyn_kwargs is not None:
        return None
    singular, plural = node.args[0], node.args[1]
    if not all(isinstance(a, nodes.Const) and isinstance(a.value, str) for a in (singular, plural)):
        return None
    return singular.value, plural.value


def _constant_text(node: nodes.Call) -> str | None:
    """The text of `_("…")` with a constant string and at most plain keyword arguments."""
    if not (isinstance(node.node, nodes.Name) and node.node.name in NAMES):
        return None
    if len(node.args) != 1 or node.dyn_args is not None or node.dyn_kwargs is not None:
        return None
    argument = node.args[0]
    if not (isinstance(argument, nodes.Const) and isinstance(argument.value, str)):
        return None
    return argument.value


class TranslatingCodeGenerator(CodeGenerator):
    """Jinja's code generator with the fast path for constant texts (see the module)."""

    _names_assigned = False

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self._names_assigned = any(
            name.name in (*NAMES, PLURAL) and name.ctx in ("store", "param")
            for name in node.find_all(nodes.Name)
        )
        super().visit_Template(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        fast = not (
            self._names_assigned
            or forward_caller
            or frame.eval_ctx.volatile
            or self.environment.is_async
        )
        text = _constant_text(node) if fast else None
        plural = _constant_plural(node) if fast and text is None else None
        if text is None and plural is None:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        autoescape = bool(frame.eval_ctx.autoescape)
        if plural is not None:
            # Jinja's ngettext is a context function: called in a loop it copies the whole
            # context first (~100 µs), for every row.
            self.write(f"environment.austausch_ngettext({plural[0]!r}, {plural[1]!r}, ")
            self.visit(node.args[2], frame)
            self.write(f", {autoescape!r}")
        else:
            self.write(f"environment.austausch_gettext({text!r}, {autoescape!r}")
        if node.kwargs:
            self.write(", {")
            for keyword in node.kwargs:
                self.write(f"{keyword.key!r}: ")
                self.visit(keyword.value, frame)
                self.write(", ")
            self.write("}")
        self.write(")")


def make_gettext(catalogue_of_request):
    """The function the compiled templates call: the text in the request's language."""

    def austausch_gettext(text: str, autoescape: bool, variables: dict[str, Any] | None = None):
        catalogue = catalogue_of_request()
        try:
            kept = catalogue.__dict__[_KEPT]
        except KeyError:
            kept = catalogue.__dict__.setdefault(_KEPT, {})
        if variables is None:
            # Jinja formats every text, with no variables too ("100%%" reads "100%").
            found = kept.get((text, autoescape, None))
            if found is None:
                found = kept[(text, autoescape, None)] = _translated(text, autoescape) % {}
            return found
        return _formatted(_translated(text, autoescape), variables, autoescape)

    def _formatted(translated: str, variables: dict[str, Any], autoescape: bool):
        """The text with its keywords filled in. In an HTML template as `Markup % variables`
        does, without its escaping helper for every value (~8 µs): strings and other objects
        are escaped (`__html__` kept), numbers stay numbers."""
        if not autoescape:
            return translated % variables
        return Markup(  # noqa: S704 (our catalogue's text, the values escaped)
            str.__mod__(
                translated,
                {k: v if type(v) in _NUMBERS else escape(v) for k, v in variables.items()},
            )
        )

    def _translated(text: str, autoescape: bool):
        catalogue = catalogue_of_request()
        kept = catalogue.__dict__.setdefault(_KEPT, {})
        found = kept.get((text, autoescape))
        if found is None:
            translated = catalogue.ugettext(text)
            # Jinja trusts a translation as markup too (its gettext wraps it in Markup).
            found = Markup(translated) if autoescape else translated  # noqa: S704
            kept[(text, autoescape)] = found
        return found

    def austausch_ngettext(
        singular: str,
        plural: str,
        num: Any,
        autoescape: bool,
        variables: dict[str, Any] | None = None,
    ):
        """Jinja's newstyle ngettext: the form for num, formatted with num and the keywords
        (escaped as Markup % does, in an HTML template)."""
        variables = {} if variables is None else variables
        variables.setdefault("num", num)
        translated = catalogue_of_request().ungettext(singular, plural, num)
        return _formatted(translated, variables, autoescape)

    austausch_gettext.plural = austausch_ngettext
    return austausch_gettext


def install(environment, catalogue_of_request) -> None:
    environment.code_generator_class = TranslatingCodeGenerator
    environment.austausch_gettext = make_gettext(catalogue_of_request)
    environment.austausch_ngettext = environment.austausch_gettext.plural
