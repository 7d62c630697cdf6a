from aftercare.cli import main

raise SystemExit(main())
