from ip5pub.cli import run

run()
