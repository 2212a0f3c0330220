"""The DuckDB warehouse: its raw and audit schemas, the writer's connection, publishing for readers."""
