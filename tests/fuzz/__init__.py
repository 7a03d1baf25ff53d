"""The hostile-input suite: malformed files, arguments and values get typed errors.

The contract every test here checks: a bad input gives exit status 2 (the command line) or a
``PromocoreError`` that is also a ``TypeError`` or ``ValueError`` (the API), the message names
the field, nothing is written, no traceback is shown, and valid inputs still price. The
hypothesis tests run a fixed number of examples (``FUZZ``), so the suite costs the same in CI
every time.
"""
