from ip5pub.cli import main

main()
