"""Memory: what OS1 knows of each person, found by words, meaning and time (recall.py), learned from what was
said (learn.py, facts.py, reflect.py), shown and forgotten on request (portrait.py, memory.py), moved in and out
(importers.py, portable.py). The messages themselves are kept by the database (os1.db)."""
