"""The core: messages in, replies out, the choice codec. Knows no platform or database."""
