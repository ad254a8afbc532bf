"""A finding of the checker: severity, file, line, rule and message."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem reported by a check."""

    severity: str  # ERROR or WARNING
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)
