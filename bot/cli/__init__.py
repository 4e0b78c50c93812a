"""The command line: one module per group of commands, importing what it runs when it runs."""
