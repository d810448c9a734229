"""What the layout workers' fork server imports before it forks them:
WeasyPrint, loaded without the slow library lookups (ip5pub.system)."""

from ip5pub.system import import_weasyprint

import_weasyprint()
