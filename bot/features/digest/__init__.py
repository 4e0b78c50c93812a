"""HR's monthly digest: gaps, unhelpful answers, late replies, acknowledgements, DSO routes."""
