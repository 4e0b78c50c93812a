"""What runs in the background: the scheduler's tick and the outbox delivery pass."""
