"""`python -m benchmarks [WORKLOAD ...] [--quick]`: run the suite and print the table."""

from benchmarks.harness import main

main()
