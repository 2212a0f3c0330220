"""tthc-warehouse: the command line, the demo generator and the pipeline steps the DAGs call."""
