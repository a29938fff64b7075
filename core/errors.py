from __future__ import annotations


class ApplicationError(Exception):
    """A domain rule refused the operation. `errors` maps field names to messages
    (already translated); views show them on the form, the API returns them as 400."""

    def __init__(self, message: str = "", *, errors: dict[str, list[str]] | None = None) -> None:
        self.message = message
        self.errors = errors or ({"non_field_errors": [message]} if message else {})
        super().__init__(message)
