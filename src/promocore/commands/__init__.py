"""The subcommands of the ``promocore`` command line, one module each.

Every subcommand module, here or in a subpackage (``promocore.stats.cli``), has one
function, ``register(subparsers)``, which adds its subcommand with a one-line ``help``,
a ``description`` in plain text (no markup: argparse prints it as it is) and a
``handler`` default: a function taking the parsed arguments and returning the exit
status. [`promocore.cli`][promocore.cli] lists the modules in ``SUBCOMMAND_MODULES`` and
turns any [`PromocoreError`][promocore.errors.PromocoreError] a handler raises into a
message and exit status 2. A plugin adds its own subcommands the same way, from its
``promocore_add_commands(subparsers)`` hook; every handler finds the plugin host in
``args.host``.
"""
