import rules  # noqa: F401
