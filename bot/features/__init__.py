"""Conversations beyond Q&A, each on ports only: business cases, handover, comments, reminders."""
