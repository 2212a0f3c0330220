"""Reading the sources' files, checking them against their contracts, and loading the raw schema."""
