from posterdeck.cli import entry

entry()
