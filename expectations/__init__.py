"""Great Expectations suites on each load and on the marts, and the runner that records their results."""
