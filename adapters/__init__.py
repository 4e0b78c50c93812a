"""The chat platforms: console, Slack, Teams and the comments API, and the policybot command."""
