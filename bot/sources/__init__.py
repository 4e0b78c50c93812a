"""Where the staff list comes from besides a CSV file: Microsoft Entra ID through Graph."""
