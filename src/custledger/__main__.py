from custledger.cli import main

main()
