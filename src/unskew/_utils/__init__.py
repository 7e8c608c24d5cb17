"""Private helpers shared across unskew's rooms."""
