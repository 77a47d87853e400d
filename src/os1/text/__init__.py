"""Understanding words in what people say: times ("last Friday", when.py), yes and no (answers.py)."""
