"""Letters: writing for others (and for oneself) — clients with their own memories, letters ghostwritten from a
brief and revised with every version kept, proofreading as suggestions accepted one by one, handwritten pages,
and a book of the best letters."""
