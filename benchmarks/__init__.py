"""The performance suite: the engine against hand-written numpy/Python floors and PyTorch.

`benchmarks.workload` holds the workload registry, `benchmarks.harness` the
runner (with `child` and `report`); `benchmarks.scalar`, `functional_workloads`,
`nn_workloads` and `resnet_workloads` the workloads. Run `python -m benchmarks`
(see `benchmarks/README.md`).
"""
