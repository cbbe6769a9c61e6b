"""One exception tree for the domain core; every error says what went wrong and where."""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base of every error raised by knowledge/."""


class CatalogError(KnowledgeError):
    """A catalog file or row cannot be read.

    `file` and `line` point at the offending input when known.
    """

    def __init__(self, reason: str, *, file: str = "", line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        where = file + (f":{line}" if line is not None else "")
        super().__init__(f"{where}: {reason}" if where else reason)


class ProductNotFound(KnowledgeError):
    """No catalog product matches the text the buyer gave."""

    def __init__(self, query: str) -> None:
        self.query = query
        super().__init__(f"no product matches {query!r}")


class BomFormatError(KnowledgeError):
    """A BOM file or one of its rows cannot be read."""

    def __init__(self, reason: str, *, file: str = "", line: int | None = None, column: str = "") -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        where = file + (f":{line}" if line is not None else "") + (f" [{column}]" if column else "")
        super().__init__(f"{where}: {reason}" if where else reason)


class BomLimitError(BomFormatError):
    """A BOM file is over one of the reader's limits (knowledge.bom.BomLimits, or the sandbox's memory and
    time): refused before it is read further. `limit` names the limit ("rows", "columns", "cell_chars",
    "decompressed_bytes", "compression_ratio", "merged_ranges", "merged_cells", "memory", "time"), `value` is
    what the file needed (or at least needed) and `maximum` the limit; `reason` says both in plain words."""

    def __init__(
        self,
        reason: str,
        *,
        limit: str,
        value: float,
        maximum: float,
        file: str = "",
        line: int | None = None,
        column: str = "",
    ) -> None:
        self.limit = limit
        self.value = value
        self.maximum = maximum
        super().__init__(reason, file=file, line=line, column=column)


class UnitError(KnowledgeError):
    """A value with a unit cannot be parsed or converted."""

    def __init__(self, text: str, reason: str = "not a value with a known unit") -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r}: {reason}")


class IndexMismatch(KnowledgeError):
    """A saved vector index does not belong to the current catalog or embedder."""

    def __init__(self, field: str, expected: object, found: object, path: str = "") -> None:
        self.field = field
        self.expected = expected
        self.found = found
        self.path = path
        if field == "manifest":
            message = f"no complete index at {path}; build it with `brandstation index`"
        else:
            message = (
                f"index {path or '(in memory)'} was built for {field}={found!r} but the current one is "
                f"{expected!r}; rebuild it with `brandstation index`"
            )
        super().__init__(message)
