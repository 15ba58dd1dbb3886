"""Errors raised by services when a rule refuses an action."""


class DomainError(Exception):
    """A rule refused the action. The message is shown to the person (already translated)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
