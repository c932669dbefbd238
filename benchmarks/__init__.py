"""The performance suite: the engine against hand-written numpy/Python floors and PyTorch.

`benchmarks.workload` holds the workload registry, `benchmarks.harness` the
runner (with `child` and `report`); `benchmarks.scalar`, `functional_workloads`,
`nn_workloads` and `resnet_workloads` the workloads (`numpy_floor`: the hand-written numpy
the neural-network ones are measured against). Run `python -m benchmarks` (see
`benchmarks/README.md`).
"""
