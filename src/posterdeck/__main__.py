from posterdeck.cli import main

main()
