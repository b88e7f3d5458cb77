"""Named domain errors; the application maps them to HTTP once (409, 410, …)."""


class DomainError(Exception):
    """Base of every rule violation; ``code`` is the stable machine-readable name."""

    code = "domain_error"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.details = details


class IllegalTransition(DomainError):
    """This action is not allowed in the ticket's current state."""

    code = "illegal_transition"


class Conflict(DomainError):
    """Somebody else changed this first; reload and try again."""

    code = "conflict"


class IssuingClosed(DomainError):
    """Tickets are not being issued now."""

    code = "issuing_closed"


class NumberRangeExhausted(DomainError):
    """Every number of this service's range has been issued today."""

    code = "numbers_exhausted"


class InvalidInput(DomainError):
    """The request is not valid."""

    code = "invalid_input"


class NotFound(DomainError):
    """No such thing."""

    code = "not_found"


class Expired(DomainError):
    """This has expired."""

    code = "expired"


class Forbidden(DomainError):
    """You may not do this."""

    code = "forbidden"
