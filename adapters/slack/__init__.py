"""Slack: slack-bolt in our aiohttp app (or Socket Mode), Block Kit, App Home, Slack ids."""
