"""The knowledge: the policy's clauses, the intents that point at them, the matcher."""
