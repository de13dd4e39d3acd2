"""The local stack: everything `make demo` runs on one machine with no AWS account."""
