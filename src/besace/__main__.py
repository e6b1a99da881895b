from besace.cli import main

main()
