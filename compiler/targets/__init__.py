"""One module per output target; each renders an `ir.Role` to the text of its files."""
