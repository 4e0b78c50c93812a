"""Teams: botbuilder's CloudAdapter on aiohttp, Adaptive Cards, references, app package."""
