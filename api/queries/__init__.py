"""Read-only data access of the API and the pages: small query functions, no logic in route bodies."""
