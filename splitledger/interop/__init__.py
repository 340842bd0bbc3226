"""Format conversion (CSV, JSON dumps, hledger, beancount, Splitwise): pure code that
knows only the domain, so that every format can be tested without a database."""
