"""The annual reminder to read the policy, staff confirmations, and the headteachers' summary."""
