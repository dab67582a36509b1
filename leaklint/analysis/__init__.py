"""The analysis layer: facts about one file that every rule queries (written in step 5)."""
