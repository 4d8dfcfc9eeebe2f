from relnox.cli import main

main()
