"""The performance suite: the engine against hand-written numpy/Python floors and PyTorch.

`benchmarks.harness` holds the workload registry and the runner;
`benchmarks.scalar` the scalar-graph workloads. Run `python -m benchmarks`
(see `benchmarks/README.md`).
"""
