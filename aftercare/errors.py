"""Error types the command line turns into one sentence and exit code 2."""


class UserError(Exception):
    """Bad input from the user: the message is one complete sentence shown as is."""


class ContentError(Exception):
    """Shipped content or a clinic profile that does not validate."""
