"""Reminders and alarms: kept in the store (book.py), understood from words ("Thursday at 10", clock.py), set and
cancelled by the companion (tools.py), and fired on time through whatever door the person has open
(scheduler.py)."""
