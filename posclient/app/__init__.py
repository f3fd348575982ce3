"""Use cases: staff sessions, checkout, approvals. No Qt, no HTTP."""
