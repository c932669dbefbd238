"""nn.models: parameter counts, state_dict key lists and shapes against torchvision's documented
architectures (the expected lists are built here from the documentation's tables, not from the
models), initialisation, forward/backward of the small variants, and errors.

Counts are torchvision's documented ones. The full-size VGG, AlexNet and ResNet-34/50 take
seconds and gigabytes to build here, so their tests are marked slow."""

import math

import numpy as np
import pytest

import autograd_core as ag
import nn
from nn import models


def _count(model):
    return sum(math.prod(p.shape) for p in model.parameters())


def _shapes(model):
    return {name: tuple(value.shape) for name, value in model.state_dict().items()}


def _conv(prefix, c_out, c_in, k, bias=True):
    keys = {f"{prefix}.weight": (c_out, c_in, k, k)}
    if bias:
        keys[f"{prefix}.bias"] = (c_out,)
    return keys


def _bn(prefix, c):
    return {
        f"{prefix}.weight": (c,),
        f"{prefix}.bias": (c,),
        f"{prefix}.running_mean": (c,),
        f"{prefix}.running_var": (c,),
        f"{prefix}.num_batches_tracked": (),
    }


def _linear(prefix, c_out, c_in):
    return {f"{prefix}.weight": (c_out, c_in), f"{prefix}.bias": (c_out,)}


def resnet_keys(bottleneck, blocks, num_classes):
    """torchvision's ResNet state_dict from its documented structure."""
    keys = {**_conv("conv1", 64, 3, 7, bias=False), **_bn("bn1", 64)}
    expansion = 4 if bottleneck else 1
    inplanes = 64
    for stage, (planes, count) in enumerate(zip((64, 128, 256, 512), blocks), start=1):
        for b in range(count):
            p = f"layer{stage}.{b}"
            if bottleneck:
                convs = [(planes, inplanes, 1), (planes, planes, 3), (4 * planes, planes, 1)]
            else:
                convs = [(planes, inplanes, 3), (planes, planes, 3)]
            for i, (c_out, c_in, k) in enumerate(convs, start=1):
                keys.update(_conv(f"{p}.conv{i}", c_out, c_in, k, bias=False))
                keys.update(_bn(f"{p}.bn{i}", c_out))
            stride = 2 if stage > 1 and b == 0 else 1
            if b == 0 and (stride != 1 or inplanes != planes * expansion):
                keys.update(_conv(f"{p}.downsample.0", planes * expansion, inplanes, 1, False))
                keys.update(_bn(f"{p}.downsample.1", planes * expansion))
            inplanes = planes * expansion
    keys.update(_linear("fc", num_classes, 512 * expansion))
    return keys


# the documented Inception table: in, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj
INCEPTIONS = {
    "3a": (192, 64, 96, 128, 16, 32, 32),
    "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64),
    "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64),
    "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128),
    "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


def googlenet_keys(num_classes):
    def basic(prefix, c_out, c_in, k):
        return {**_conv(f"{prefix}.conv", c_out, c_in, k, bias=False), **_bn(f"{prefix}.bn", c_out)}

    keys = {**basic("conv1", 64, 3, 7), **basic("conv2", 64, 64, 1), **basic("conv3", 192, 64, 3)}
    for name, (c, b1, r3, b3, r5, b5, pool) in INCEPTIONS.items():
        p = f"inception{name}"
        keys.update(basic(f"{p}.branch1", b1, c, 1))
        keys.update({**basic(f"{p}.branch2.0", r3, c, 1), **basic(f"{p}.branch2.1", b3, r3, 3)})
        keys.update({**basic(f"{p}.branch3.0", r5, c, 1), **basic(f"{p}.branch3.1", b5, r5, 3)})
        keys.update(basic(f"{p}.branch4.1", pool, c, 1))
    keys.update(_linear("fc", num_classes, 1024))
    return keys


VGG_WIDTHS = {
    11: [[64], [128], [256] * 2, [512] * 2, [512] * 2],
    13: [[64] * 2, [128] * 2, [256] * 2, [512] * 2, [512] * 2],
    16: [[64] * 2, [128] * 2, [256] * 3, [512] * 3, [512] * 3],
    19: [[64] * 2, [128] * 2, [256] * 4, [512] * 4, [512] * 4],
}


def vgg_keys(depth, batch_norm, num_classes):
    keys, index, c_in = {}, 0, 3
    for stage in VGG_WIDTHS[depth]:
        for width in stage:
            keys.update(_conv(f"features.{index}", width, c_in, 3))
            if batch_norm:
                keys.update(_bn(f"features.{index + 1}", width))
            index += 3 if batch_norm else 2
            c_in = width
        index += 1  # the max pool
    keys.update(_linear("classifier.0", 4096, 512 * 7 * 7))
    keys.update(_linear("classifier.3", 4096, 4096))
    keys.update(_linear("classifier.6", num_classes, 4096))
    return keys


ALEXNET_KEYS = {
    **_conv("features.0", 64, 3, 11),
    **_conv("features.3", 192, 64, 5),
    **_conv("features.6", 384, 192, 3),
    **_conv("features.8", 256, 384, 3),
    **_conv("features.10", 256, 256, 3),
    **_linear("classifier.1", 4096, 9216),
    **_linear("classifier.4", 4096, 4096),
    **_linear("classifier.6", 1000, 4096),
}


def _assert_matches(model, expected, count):
    shapes = _shapes(model)
    assert list(shapes) == list(expected)  # same keys, in torchvision's order
    assert shapes == expected
    assert _count(model) == count


# ------------------------------------------------------------------ counts and keys


def test_resnet18_matches_torchvision_keys_shapes_and_count():
    _assert_matches(models.resnet18(), resnet_keys(False, [2, 2, 2, 2], 1000), 11_689_512)


def test_googlenet_matches_torchvision_keys_shapes_and_count():
    model = models.googlenet()
    _assert_matches(model, googlenet_keys(1000), 6_624_904)
    assert "inception3a.branch1.conv.weight" in model.state_dict()
    heads = sum(128 * c + 2 * 128 + 2048 * 1024 + 1024 + 1024 * 1000 + 1000 for c in (512, 528))
    assert _count(models.googlenet(aux_logits=True)) == 6_624_904 + heads  # 13,004,888


@pytest.mark.slow
@pytest.mark.parametrize(
    ("builder", "bottleneck", "blocks", "count"),
    [(models.resnet34, False, [3, 4, 6, 3], 21_797_672), (models.resnet50, True, [3, 4, 6, 3],
     25_557_032)],
)  # fmt: skip
def test_resnet34_50_match_torchvision(builder, bottleneck, blocks, count):
    _assert_matches(builder(), resnet_keys(bottleneck, blocks, 1000), count)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("depth", "batch_norm", "count"),
    [(11, False, 132_863_336), (11, True, 132_868_840), (13, False, 133_047_848),
     (13, True, 133_053_736), (16, False, 138_357_544), (16, True, 138_365_992),
     (19, False, 143_667_240), (19, True, 143_678_248)],
)  # fmt: skip
def test_vgg_matches_torchvision(depth, batch_norm, count):
    model = getattr(models, f"vgg{depth}{'_bn' if batch_norm else ''}")()
    _assert_matches(model, vgg_keys(depth, batch_norm, 1000), count)


@pytest.mark.slow
def test_alexnet_matches_torchvision():
    _assert_matches(models.alexnet(), ALEXNET_KEYS, 61_100_840)


def test_num_classes_changes_only_the_last_layer():
    assert _shapes(models.resnet18(num_classes=10))["fc.weight"] == (10, 512)
    assert _shapes(models.googlenet(num_classes=7))["fc.weight"] == (7, 1024)
    assert _count(models.lenet5()) == 61_706


def test_resnet_cifar_follows_the_paper():
    model = models.resnet_cifar(20)
    assert _count(model) == 269_722  # the paper's 0.27M
    shapes = _shapes(model)
    assert shapes["conv1.weight"] == (16, 3, 3, 3)
    assert shapes["layer3.2.conv2.weight"] == (64, 64, 3, 3)
    assert not any("downsample" in key for key in shapes)  # option A shortcuts: no parameters
    assert _count(models.resnet_cifar(56)) == 853_018  # the paper's 0.85M
    with pytest.raises(ValueError, match="6n \\+ 2"):
        models.resnet_cifar(21)


# ------------------------------------------------------------------ initialisation


def _std(parameter):
    return float(np.asarray(parameter.data).std())


def test_resnet_initialisation_is_torchvisions():
    ag.manual_seed(0)
    model = models.resnet18(zero_init_residual=True)
    conv = model.layer4[0].conv2.weight  # (512, 512, 3, 3): kaiming normal, fan_out = 512 * 9
    assert _std(conv) == pytest.approx(math.sqrt(2 / (512 * 9)), rel=0.02)
    assert np.all(np.asarray(model.layer1[0].bn1.weight.data) == 1)
    assert np.all(np.asarray(model.layer1[0].bn2.weight.data) == 0)  # zero_init_residual
    assert np.all(np.asarray(models.resnet18().layer1[0].bn2.weight.data) == 1)
    bottleneck = models.ResNet(models.Bottleneck, [1, 1, 1, 1], zero_init_residual=True)
    assert np.all(np.asarray(bottleneck.layer2[0].bn3.weight.data) == 0)


def test_vgg_and_googlenet_initialisation_is_torchvisions():
    ag.manual_seed(0)
    vgg = models.VGG(models.vgg.make_layers([64, "M"]), num_classes=10, hidden=512)
    assert _std(vgg.classifier[0].weight) == pytest.approx(0.01, rel=0.02)
    assert np.all(np.asarray(vgg.classifier[0].bias.data) == 0)
    assert _std(vgg.features[0].weight) == pytest.approx(math.sqrt(2 / (64 * 9)), rel=0.1)
    net = models.googlenet(num_classes=10)
    weight = np.asarray(net.inception4a.branch2[1].conv.weight.data)
    assert weight.std() == pytest.approx(0.01, rel=0.02) and np.abs(weight).max() <= 2


# ------------------------------------------------------------------ running the models


def test_small_models_train_a_step_and_keep_the_input_size_for_segmentation():
    ag.manual_seed(0)
    x, labels = ag.randn(4, 1, 8, 8), np.array([0, 1, 2, 3])
    model = models.resnet_cifar(8, in_channels=1)
    loss = nn.functional.cross_entropy(model(x), labels)
    loss.backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in model.parameters())
    assert models.resnet18(num_classes=10, small_input=True)(ag.randn(2, 3, 8, 8)).shape == (2, 10)
    assert models.lenet5()(ag.randn(2, 1, 28, 28)).shape == (2, 10)
    assert models.unet(num_classes=3, depth=2, base_channels=4)(ag.randn(2, 3, 8, 12)).shape == (
        2, 3, 8, 12,
    )  # fmt: skip
    assert models.fcn(in_channels=1, num_classes=5)(ag.randn(1, 1, 12, 8)).shape == (1, 5, 12, 8)
    with pytest.raises(ValueError, match=r"UNet: .*multiples of 4, got shape \(1, 3, 6, 8\)"):
        models.unet(depth=2)(ag.zeros((1, 3, 6, 8)))


def test_googlenet_auxiliary_heads_run_in_training_only():
    net = models.googlenet(num_classes=5, aux_logits=True)
    out = net(ag.randn(2, 3, 64, 64))
    assert isinstance(out, models.GoogLeNetOutputs)
    assert [t.shape for t in out] == [(2, 5)] * 3
    assert net.eval()(ag.randn(2, 3, 64, 64)).shape == (2, 5)


def test_fcn_upsampling_starts_bilinear():
    layer = models.fcn(num_classes=1).upsample
    flat = ag.ones((1, 1, 4, 4))
    # bilinear up-sampling of a constant is that constant away from the border
    assert np.allclose(np.asarray(layer(flat).data)[0, 0, 4:12, 4:12], 1.0)


def test_summary_shows_resnet18_per_layer():
    table = nn.summary(models.resnet18(num_classes=10, small_input=True), (1, 3, 8, 8))
    text = str(table)
    assert table.total_params == _count(models.resnet18(num_classes=10, small_input=True))
    assert "layer1.0.conv1" in text and "fc" in text and "Activation memory per image" in text
    conv1 = next(row for row in table.rows if row.name == "conv1")
    assert conv1.output_shape == (1, 64, 8, 8) and conv1.activation_bytes == 64 * 8 * 8 * 4
    relu = next(row for row in table.rows if row.name == "layer1.0.relu")
    assert relu.calls == 2 and relu.activation_bytes == 2 * 64 * 8 * 8 * 4  # used twice


@pytest.mark.slow
def test_summary_of_resnet18_on_one_224x224_image():
    table = nn.summary(models.resnet18(), (1, 3, 224, 224))
    assert table.total_params == 11_689_512 and table.output_shape == (1, 1000)
    rows = {row.name: row for row in table.rows}
    assert rows["maxpool"].output_shape == (1, 64, 56, 56)
    assert rows["layer4.1.conv2"].output_shape == (1, 512, 7, 7)
    assert rows["conv1"].activation_bytes == 64 * 112 * 112 * 4  # float32


def test_cifar_resnet_and_local_response_norm_export_to_onnx():
    ort = pytest.importorskip("onnxruntime", reason="ONNX export check: pip install onnxruntime")
    import io

    ag.manual_seed(0)
    for model, shape in [
        (models.resnet_cifar(8, in_channels=1), (2, 1, 8, 8)),
        (nn.Sequential(nn.Conv2d(3, 4, 3), nn.LocalResponseNorm(3), nn.AdaptiveAvgPool2d(1)),
         (1, 3, 9, 9)),
    ]:  # fmt: skip
        x = ag.randn(*shape)
        buffer = io.BytesIO()
        nn.onnx.export(model, x, buffer)
        session = ort.InferenceSession(buffer.getvalue())
        (out,) = session.run(None, {session.get_inputs()[0].name: np.asarray(x.data)})
        with ag.no_grad():
            expected = np.asarray(model.eval()(x).data)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_cifar_resnet_learns_the_digits_in_two_epochs():
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    ag.manual_seed(0)
    x_train, y_train, x_test, y_test = nn.data.load_digits()
    x, y = np.asarray(x_train.data), np.asarray(y_train.data)
    model = models.resnet_cifar(8, in_channels=1)
    optimizer = nn.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(2):
        order = np.random.default_rng(epoch).permutation(len(y))
        for start in range(0, len(y), 64):
            batch = order[start : start + 64]
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(ag.tensor(x[batch])), y[batch]).backward()
            optimizer.step()
    with ag.no_grad():
        predicted = np.asarray(model.eval()(x_test).data).argmax(1)
    assert (predicted == np.asarray(y_test.data)).mean() > 0.9
