"""nn.onnx.export: the zoo's LeNet-5, ResNet-18 and U-Net (and a small ResNet) pass
onnx.checker and give the engine's outputs in onnxruntime (float32, 1e-5), with a dynamic
batch axis when asked; ops without an ONNX form are refused by name; the engine is untouched
once exporting ends."""

import io

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from autograd_core.function import Function
from nn import models

onnx = pytest.importorskip("onnx", reason="ONNX export needs pip install -e '.[interop]'")
ort = pytest.importorskip("onnxruntime", reason="needs onnxruntime: pip install -e '.[interop]'")


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                            nn.BatchNorm2d(cout))  # fmt: skip

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class SmallResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = nn.Sequential(BasicBlock(8, 8, 1), BasicBlock(8, 8, 1))
        self.layer2 = nn.Sequential(BasicBlock(8, 16, 2), BasicBlock(16, 16, 1))
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(x.mean((2, 3)))  # global average pooling


def _trained_statistics(model, x):
    """One training-mode pass, so batch norm's running statistics are not their defaults."""
    with ag.no_grad():
        model.train()(x)
    return model.eval()


def _export(model, x, **kwargs):
    buffer = io.BytesIO()
    nn.onnx.export(model, x, buffer, **kwargs)
    proto = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(proto, full_check=True)
    return proto, ort.InferenceSession(buffer.getvalue(), providers=["CPUExecutionProvider"])


ZOO = [
    ("lenet5", lambda: models.lenet5(), (2, 1, 28, 28)),
    ("resnet18", lambda: models.resnet18(num_classes=10), (2, 3, 32, 32)),
    ("unet", lambda: models.unet(in_channels=1, base_channels=4, depth=3), (2, 1, 16, 16)),
    ("small resnet", SmallResNet, (2, 3, 32, 32)),
]


@pytest.mark.parametrize("make, shape", [z[1:] for z in ZOO], ids=[z[0] for z in ZOO])
def test_exported_model_matches_the_engine_in_onnxruntime(make, shape):
    ag.manual_seed(0)
    model = _trained_statistics(make(), ag.randn(*shape))
    x = ag.randn(*shape)
    axes = {"input": {0: "batch"}, "output": {0: "batch"}}
    proto, session = _export(model, x, dynamic_axes=axes)
    x = ag.randn(shape[0] + 1, *shape[1:])  # another batch size, through the dynamic axis
    (got,) = session.run(None, {"input": np.asarray(x)})
    np.testing.assert_allclose(got, np.asarray(model(x)), rtol=1e-5, atol=1e-5)
    initializers = {init.name for init in proto.graph.initializer}
    state = {k for k in model.state_dict() if not k.endswith("num_batches_tracked")}
    assert state <= initializers  # the weights keep their state_dict names


def test_dynamic_batch_axis(tmp_path):
    ag.manual_seed(1)
    model = _trained_statistics(SmallResNet(), ag.randn(4, 3, 32, 32))
    axes = {"images": {0: "batch"}, "scores": {0: "batch"}}
    nn.onnx.export(model, ag.randn(2, 3, 32, 32), tmp_path / "resnet.onnx",
                   input_names=["images"], output_names=["scores"], dynamic_axes=axes)  # fmt: skip
    proto = onnx.load(tmp_path / "resnet.onnx")
    onnx.checker.check_model(proto)
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    session = ort.InferenceSession(str(tmp_path / "resnet.onnx"))
    for batch in (1, 5):
        x = ag.randn(batch, 3, 32, 32)
        (got,) = session.run(["scores"], {"images": np.asarray(x)})
        np.testing.assert_allclose(got, np.asarray(model(x)), rtol=1e-5, atol=1e-5)


def test_static_shapes_without_dynamic_axes():
    proto, _ = _export(models.lenet5(), ag.randn(3, 1, 28, 28))
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims] == [3, 1, 28, 28]


def test_export_keeps_the_models_mode_and_leaves_the_engine_as_it_was():
    apply, conv2d = Function.__dict__["apply"], F.conv2d
    model = models.lenet5().train()
    _export(model, ag.randn(1, 1, 28, 28))
    assert all(m.training for m in model.modules())
    assert Function.__dict__["apply"] is apply and F.conv2d is conv2d


class _Slicing(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)[:, :2]


def test_op_without_onnx_form_is_refused_by_name_and_the_engine_restored():
    apply = Function.__dict__["apply"]
    model = _Slicing().train()
    with pytest.raises(nn.onnx.UnsupportedOperatorError, match="'getitem' in _Slicing has no ONNX"):
        nn.onnx.export(model, ag.randn(2, 4), io.BytesIO())
    assert Function.__dict__["apply"] is apply and model.training
    assert isinstance(nn.onnx.UnsupportedOperatorError("x"), ValueError)


def test_elementwise_and_shape_primitives_export():
    class Elementwise(nn.Module):
        def forward(self, x):
            y = ag.exp(-x.abs()) * 2.0 + ag.sqrt(x * x + 1.0) / 3.0 - ag.log(x * x + 2.0)
            z = ag.clip(y, -1.0, 1.0).reshape(x.shape[0], 2, 3).permute(0, 2, 1)
            return ag.maximum(z, 0.1).sum(1) + ag.pad(x, ((0, 0), (1, 1))).sum(1, keepdims=True)

    x = ag.randn(2, 6)
    _, session = _export(Elementwise(), x)
    (got,) = session.run(None, {"input": np.asarray(x)})
    np.testing.assert_allclose(got, np.asarray(Elementwise()(x)), rtol=1e-5, atol=1e-6)


def test_export_without_onnx_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_onnx(name, *args, **kwargs):
        if name == "onnx":
            raise ImportError("No module named 'onnx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[interop\]'"):
        nn.onnx.export(nn.Linear(2, 2), ag.randn(1, 2), io.BytesIO())


@pytest.mark.parametrize("output_size, op_type", [(1, "GlobalAveragePool"), (2, "AveragePool")])
def test_adaptive_average_pooling_exports_as_pooling(monkeypatch, output_size, op_type):
    if not hasattr(F, "adaptive_avg_pool2d"):  # a stand-in until nn.functional has its own

        def adaptive_avg_pool2d(input, output_size):
            n, c, h, w = input.shape
            tiles = input.reshape(
                n, c, output_size, h // output_size, output_size, w // output_size
            )
            return tiles.mean((3, 5))

        monkeypatch.setattr(F, "adaptive_avg_pool2d", adaptive_avg_pool2d, raising=False)

    class Pooled(nn.Module):
        def forward(self, x):
            return F.adaptive_avg_pool2d(F.relu(x), output_size)

    x = ag.randn(2, 3, 4, 6)
    proto, session = _export(Pooled(), x)
    assert op_type in [node.op_type for node in proto.graph.node]
    (got,) = session.run(None, {"input": np.asarray(x)})
    np.testing.assert_allclose(got, np.asarray(Pooled()(x)), rtol=1e-5, atol=1e-6)
