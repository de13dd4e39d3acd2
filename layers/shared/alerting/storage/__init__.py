"""DynamoDB access for the one table: key formats, item mapping, conditional writes, error mapping."""
