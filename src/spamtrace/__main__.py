from spamtrace.cli.main import main

raise SystemExit(main())
