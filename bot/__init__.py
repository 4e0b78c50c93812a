"""policybot: the staff Social Media Policy assistant (core, independent of any chat platform)."""
