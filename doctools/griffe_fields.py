"""A griffe extension that shows every attrs field and enum member on the reference pages.

mkdocstrings renders an attribute only when it has a docstring, and attrs fields and enum
members rarely have one: their descriptions sit in the class's ``Attributes:`` section, if
anywhere. For every class and module of the package this extension

* moves each ``Attributes:`` entry onto the member it names (creating the member when the
  code does not define one at class level), so each attribute gets its own heading, with its
  type, default and anchor, and can be linked to
  (``[`Quote.lines`][promocore.quote.Quote.lines]``); mkdocs.yml turns the then redundant
  ``Attributes:`` tables off;
* gives every public field of an attrs class, and every member of an enum, a docstring
  (empty when nothing describes it), so that none is left out;
* shows an attrs field's default as its value (``= ()`` rather than
  ``= attrs.field(default=(), converter=...)``) and labels it an instance attribute;
* reads the ``#:`` comment lines above an attribute (``#: Modules registered by ...``)
  as its docstring, as Sphinx does, so documented constants are rendered too.

Enabled in mkdocs.yml with ``extensions: [doctools/griffe_fields.py:Fields]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import griffe

#: Decorators that make a class an attrs class.
ATTRS_DECORATORS = frozenset(
    {
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "attr.mutable",
        "attr.dataclass",
    }
)
#: Calls that declare an attrs field with options.
FIELD_CALLS = frozenset({"attrs.field", "attr.ib", "attr.attrib", "attr.field"})
#: Base classes that make a class an enum.
ENUM_BASES = frozenset(
    {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum"}
)


class Fields(griffe.Extension):
    """Give documented attributes, attrs fields and enum members docstrings of their own."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Process every module and class of a loaded package."""
        for obj in _walk(pkg):
            _adopt_comments(obj)
            _adopt_attributes_section(obj)
            if isinstance(obj, griffe.Class):
                if _is_attrs(obj):
                    _document_fields(obj)
                elif _is_enum(obj):
                    _document_members(obj)


def _walk(obj: griffe.Object) -> Iterator[griffe.Module | griffe.Class]:
    if isinstance(obj, griffe.Module | griffe.Class):
        yield obj
    for member in list(obj.members.values()):
        if not member.is_alias and isinstance(member, griffe.Module | griffe.Class):
            yield from _walk(member)


def _docstring(text: str, parent: griffe.Object, like: griffe.Docstring | None) -> griffe.Docstring:
    return griffe.Docstring(
        text,
        parent=parent,
        parser=like.parser if like is not None else None,
        parser_options=like.parser_options if like is not None else None,
    )


def _adopt_comments(obj: griffe.Module | griffe.Class) -> None:
    for member in list(obj.members.values()):
        if member.is_alias or not isinstance(member, griffe.Attribute) or member.docstring:
            continue
        if member.lineno is None:
            continue
        lines = member.module.lines
        comment: list[str] = []
        index = member.lineno - 2
        while index >= 0 and lines[index].strip().startswith("#:"):
            comment.insert(0, lines[index].strip()[2:].strip())
            index -= 1
        if comment:
            member.docstring = _docstring("\n".join(comment), member, obj.docstring)


def _adopt_attributes_section(obj: griffe.Module | griffe.Class) -> None:
    if obj.docstring is None:
        return
    for section in obj.docstring.parsed:
        if not isinstance(section, griffe.DocstringSectionAttributes):
            continue
        for entry in section.value:
            member = obj.members.get(entry.name)
            if member is None:
                member = griffe.Attribute(
                    entry.name,
                    annotation=entry.annotation,
                    lineno=obj.lineno,
                    endlineno=obj.lineno,
                )
                member.labels.add("instance-attribute" if obj.is_class else "module-attribute")
                obj.set_member(entry.name, member)
            if member.is_alias or not isinstance(member, griffe.Attribute):
                continue
            if member.docstring is None or not member.docstring.value:
                member.docstring = _docstring(entry.description, member, obj.docstring)
            if member.annotation is None and entry.annotation is not None:
                member.annotation = entry.annotation


def _is_attrs(cls: griffe.Class) -> bool:
    for decorator in cls.decorators:
        try:
            path = decorator.callable_path
        except (AttributeError, griffe.NameResolutionError):
            continue
        if path in ATTRS_DECORATORS:
            return True
    return False


def _is_enum(cls: griffe.Class, seen: frozenset[str] = frozenset()) -> bool:
    for base in cls.bases:
        path = base if isinstance(base, str) else base.canonical_path
        if path in ENUM_BASES:
            return True
        if path in seen:
            continue
        try:
            resolved = cls.modules_collection.get_member(path)
        except (KeyError, ValueError, AttributeError):
            continue
        if isinstance(resolved, griffe.Class) and _is_enum(resolved, seen | {path}):
            return True
    return False


def _public_attributes(cls: griffe.Class) -> Iterator[griffe.Attribute]:
    for name, member in cls.members.items():
        if name.startswith("_") or member.is_alias or not isinstance(member, griffe.Attribute):
            continue
        yield member


def _document_fields(cls: griffe.Class) -> None:
    for field in _public_attributes(cls):
        if field.annotation is None or "property" in field.labels:
            continue
        if str(field.annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        if field.docstring is None:
            field.docstring = _docstring("", field, cls.docstring)
        field.labels.discard("class-attribute")
        field.labels.add("instance-attribute")
        field.value = _default(field.value)


def _default(value: str | griffe.Expr | None) -> str | griffe.Expr | None:
    """The default an attrs field declaration gives, or ``None`` when it has none."""
    if not isinstance(value, griffe.ExprCall):
        return value
    try:
        called = value.function.canonical_path
    except AttributeError:
        return value
    if called not in FIELD_CALLS:
        return value
    for argument in value.arguments:
        if isinstance(argument, griffe.ExprKeyword):
            if argument.name == "default":
                return argument.value
            if argument.name == "factory":
                return f"{argument.value}()"
    return None


def _document_members(cls: griffe.Class) -> None:
    for member in _public_attributes(cls):
        if member.value is None:
            continue
        member.labels.difference_update({"class-attribute", "instance-attribute"})
        if member.docstring is None:
            member.docstring = _docstring("", member, cls.docstring)
