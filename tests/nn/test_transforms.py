"""nn.transforms: resizing against torch's interpolate, padding against torch's pad, the
crops' windows, colour against colorsys and the blend formulas, batch semantics, seeding,
and transforms inside DataLoader workers."""

import colorsys
import pickle

import numpy as np
import pytest

import autograd_core as ag
from nn import data
from nn import transforms as T  # noqa: N812 (torchvision's idiom)
from nn.transforms import functional as F  # noqa: N812 (torchvision's idiom)


def _image(shape=(3, 12, 10), seed=0, dtype=np.float32):
    return np.random.default_rng(seed).random(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize(
    "shape, size", [((3, 12, 10), (5, 7)), ((2, 3, 9, 17), (4, 4)), ((1, 7, 6), (15, 13)),
                    ((3, 16, 16), (16, 8)), ((3, 5, 40), (5, 3))],
)  # fmt: skip
def test_bilinear_resize_matches_torch_interpolate(shape, size, antialias, dtype):
    torch = pytest.importorskip("torch")
    image = _image(shape, dtype=dtype)
    ours = F.resize(image, list(size), antialias=antialias)
    batch = torch.from_numpy(image if image.ndim == 4 else image[None])
    theirs = torch.nn.functional.interpolate(
        batch, size=size, mode="bilinear", align_corners=False, antialias=antialias
    ).numpy()
    assert ours.dtype == dtype and ours.shape == shape[:-2] + size
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours, theirs.reshape(ours.shape), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("size", [(5, 7), (24, 20), (3, 3), (12, 10), (7, 31)])
def test_nearest_resize_matches_torch_and_keeps_integer_masks(mode, size):
    torch = pytest.importorskip("torch")
    mask = np.random.default_rng(0).integers(0, 4, (2, 1, 12, 10))
    ours = F.resize(mask, list(size), interpolation=mode)
    theirs = torch.nn.functional.interpolate(torch.from_numpy(mask).double(), size=size, mode=mode)
    assert ours.dtype == mask.dtype
    np.testing.assert_array_equal(ours, theirs.numpy().astype(np.int64))


def test_resize_sizes_follow_torchvision():
    image = np.zeros((3, 30, 40), np.float32)
    assert T.Resize(20)(image).shape == (3, 20, 26)  # shorter side 20, int(20 * 40 / 30)
    assert T.Resize(20, max_size=24)(image).shape == (3, 18, 24)
    assert T.Resize([20])(np.zeros((1, 50, 10), np.float32)).shape == (1, 100, 20)
    with pytest.raises(ValueError, match="max_size"):
        T.Resize(20, max_size=10)(image)
    with pytest.raises(TypeError, match="float image"):
        F.resize(np.zeros((1, 4, 4), np.int64), 2)


@pytest.mark.parametrize("mode, torch_mode", [("constant", "constant"), ("edge", "replicate"),
                                              ("reflect", "reflect")])  # fmt: skip
@pytest.mark.parametrize("padding", [2, [1, 3], [0, 1, 2, 3]])
def test_pad_matches_torch(mode, torch_mode, padding):
    torch = pytest.importorskip("torch")
    image = _image((2, 3, 5, 6))
    left, top, right, bottom = F.padding_ltrb(padding, "test")
    theirs = torch.nn.functional.pad(
        torch.from_numpy(image), (left, right, top, bottom), mode=torch_mode
    )
    np.testing.assert_array_equal(F.pad(image, padding, padding_mode=mode), theirs.numpy())


def test_symmetric_padding_repeats_the_edge_and_fill_per_channel():
    row = np.array([[[1.0, 2.0, 3.0]]])
    assert F.pad(row, [2, 0], padding_mode="symmetric").tolist() == [[[2, 1, 1, 2, 3, 3, 2]]]
    out = F.pad(np.zeros((2, 1, 1)), 1, fill=[5.0, 7.0])
    assert out[0].tolist() == [[5, 5, 5], [5, 0, 5], [5, 5, 5]] and out[1, 0, 0] == 7
    with pytest.raises(ValueError, match="smaller than the image"):
        F.pad(row, [3, 0], padding_mode="reflect")
    with pytest.raises(ValueError, match="padding_mode"):
        F.pad(row, 1, padding_mode="wrap")


def _windows(padded, h, w):
    return [
        (i, j) for i in range(padded.shape[-2] - h + 1) for j in range(padded.shape[-1] - w + 1)
    ]


def test_random_crop_is_a_window_of_the_padded_image_and_reaches_every_window():
    image = _image((3, 6, 5))
    crop = T.RandomCrop((4, 4), padding=[1, 2], padding_mode="edge")
    padded = F.pad(image, [1, 2], padding_mode="edge")
    seen = set()
    ag.manual_seed(0)
    for _ in range(300):
        out = crop(image)
        hits = [(i, j) for i, j in _windows(padded, 4, 4)
                if np.array_equal(padded[:, i : i + 4, j : j + 4], out)]  # fmt: skip
        assert hits
        seen.update(hits)
    assert seen == set(_windows(padded, 4, 4))
    ag.manual_seed(3)
    first = [crop(image) for _ in range(3)]
    ag.manual_seed(3)
    assert all(np.array_equal(a, crop(image)) for a in first)


def test_random_crop_pad_if_needed_and_its_errors():
    image = _image((1, 3, 8))
    out = T.RandomCrop((5, 8), pad_if_needed=True)(image)
    # 3 rows padded by 2 above and below: every 5-row window holds the 3 rows, zeros around
    offsets = [k for k in range(3) if np.array_equal(out[0, k : k + 3], image[0])]
    assert out.shape == (1, 5, 8) and len(offsets) == 1
    assert np.delete(out[0], range(offsets[0], offsets[0] + 3), axis=0).sum() == 0
    with pytest.raises(ValueError, match=r"crop size \(5, 8\) is larger than the input image size"):
        T.RandomCrop((5, 8))(image)
    with pytest.raises(ValueError, match="padded input"):
        T.RandomCrop((9, 9), padding=1)(image)


def test_center_crop_anchor_and_padding_follow_torchvision():
    image = np.arange(25.0).reshape(1, 5, 5)
    # top = round((5 - 2) / 2) = 2 (round half to even), as torchvision's int(round(...))
    assert T.CenterCrop(2)(image).tolist() == [[[12.0, 13.0], [17.0, 18.0]]]
    big = T.CenterCrop((4, 7))(np.ones((1, 2, 2)))
    # padding (left, top, right, bottom) = (2, 1, 3, 1)
    assert big.shape == (1, 4, 7) and big[0, 1:3, 2:4].sum() == 4 and big.sum() == 4


def test_random_resized_crop_draws_windows_within_scale_and_ratio():
    rrc = T.RandomResizedCrop(8, scale=(0.2, 0.6), ratio=(0.5, 2.0))
    ag.manual_seed(0)
    for _ in range(200):
        top, left, h, w = rrc.get_params(40, 50)
        assert 0 <= top <= 40 - h and 0 <= left <= 50 - w
        assert 0.2 * 2000 * 0.8 <= h * w <= 0.6 * 2000 * 1.2  # rounding of h and w
        assert 0.5 * 0.8 <= w / h <= 2.0 * 1.25


def test_random_resized_crop_falls_back_to_the_central_window():
    # An impossible ratio: ten failed draws, then the central window of the nearest ratio.
    rrc = T.RandomResizedCrop(4, scale=(1.0, 1.0), ratio=(4.0, 5.0))
    assert rrc.get_params(20, 20) == (7, 0, 5, 20)  # w = 20, h = round(20 / min(ratio))
    rrc = T.RandomResizedCrop(4, scale=(1.0, 1.0), ratio=(0.1, 0.2))
    assert rrc.get_params(20, 20) == (0, 8, 20, 4)
    out = T.RandomResizedCrop((6, 5))(ag.tensor(_image((2, 3, 20, 30))))
    assert isinstance(out, ag.Tensor) and out.shape == (2, 3, 6, 5)


def test_flips_treat_a_batch_as_one_call_and_keep_the_input_kind():
    batch = ag.tensor(_image((4, 3, 5, 6)))
    ag.manual_seed(0)
    outcomes = set()
    for _ in range(20):
        out = T.RandomHorizontalFlip()(batch)
        assert isinstance(out, ag.Tensor)
        flipped = [np.array_equal(o, b[..., ::-1]) for o, b in zip(out.numpy(), batch.numpy())]
        assert len(set(flipped)) == 1  # all images of the batch, or none
        outcomes.add(flipped[0])
    assert outcomes == {True, False}
    array = _image((3, 5, 6))
    assert np.array_equal(T.RandomVerticalFlip(p=1.0)(array), array[:, ::-1])
    assert T.RandomVerticalFlip(p=0.0)(array) is array


def test_hsv_round_trip_and_hue_against_colorsys():
    image = _image((3, 6, 7), dtype=np.float64)
    image[:, 0, 0] = 0.5  # a grey pixel
    image[:, 0, 1] = [0.2, 0.9, 0.9]  # a tie between the largest channels
    hsv = F.rgb_to_hsv(image)
    for y, x in [(0, 0), (0, 1), (3, 4), (5, 6)]:
        np.testing.assert_allclose(hsv[:, y, x], colorsys.rgb_to_hsv(*image[:, y, x]), atol=1e-12)
    np.testing.assert_allclose(F.hsv_to_rgb(hsv), image, atol=1e-12)
    shifted = F.adjust_hue(image, -0.3)
    for y in range(6):
        for x in range(7):
            h, s, v = colorsys.rgb_to_hsv(*image[:, y, x])
            expected = colorsys.hsv_to_rgb((h - 0.3) % 1.0, s, v)
            np.testing.assert_allclose(shifted[:, y, x], expected, atol=1e-12)


def test_brightness_contrast_saturation_follow_their_formulas():
    image = _image((2, 3, 4, 5), dtype=np.float64)
    grey = 0.2989 * image[:, 0:1] + 0.587 * image[:, 1:2] + 0.114 * image[:, 2:3]
    np.testing.assert_allclose(F.adjust_brightness(image, 1.7), np.clip(1.7 * image, 0, 1))
    mean = grey.mean((1, 2, 3), keepdims=True)  # per image of the batch
    np.testing.assert_allclose(
        F.adjust_contrast(image, 0.3), np.clip(0.3 * image + 0.7 * mean, 0, 1)
    )
    np.testing.assert_allclose(
        F.adjust_saturation(image, 1.8), np.clip(1.8 * image - 0.8 * grey, 0, 1)
    )
    np.testing.assert_allclose(F.rgb_to_grayscale(image), grey)
    with pytest.raises(ValueError, match="hue_factor"):
        F.adjust_hue(image, 0.7)
    with pytest.raises(TypeError, match="float image"):
        F.adjust_brightness(np.zeros((3, 2, 2), np.uint8), 1.0)


def test_color_jitter_applies_its_drawn_factors_in_its_drawn_order():
    jitter = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.4), saturation=0.3, hue=0.2)
    assert jitter.brightness == (0.5, 1.5) and jitter.hue == (-0.2, 0.2)
    image = _image((3, 6, 6))
    ag.manual_seed(5)
    out = jitter(image)
    ag.manual_seed(5)
    order, factors = jitter.get_params()
    assert sorted(order) == [0, 1, 2, 3] and 0.2 <= factors[1] <= 0.4
    expected = image
    functions = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
    for index in order:
        expected = functions[index](expected, factors[index])
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert T.ColorJitter(brightness=0).brightness is None
    with pytest.raises(ValueError, match="hue"):
        T.ColorJitter(hue=0.6)
    with pytest.raises(ValueError, match="brightness"):
        T.ColorJitter(brightness=-1)


def test_normalize_matches_torch_arithmetic_and_checks_std():
    torch = pytest.importorskip("torch")
    image = _image((2, 3, 4, 4))
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    theirs = (torch.from_numpy(image) - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(
        -1, 1, 1
    )
    np.testing.assert_allclose(T.Normalize(mean, std)(image), theirs.numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="zero"):
        T.Normalize([0.0], [0.0])(image)
    with pytest.raises(ValueError, match="2 values"):
        T.Normalize([0.0, 0.0], [1.0, 1.0])(image)


def test_random_erasing_rectangle_value_and_fallback():
    image = np.ones((3, 10, 10), np.float32)
    ag.manual_seed(0)
    erase = T.RandomErasing(p=1.0, scale=(0.1, 0.2), ratio=(0.5, 2.0), value=[0.0, 0.5, 2.0])
    out = erase(image)
    changed = out[0] != 1
    assert 0.05 * 100 <= changed.sum() <= 0.3 * 100
    assert set(out[1][changed].tolist()) == {0.5} and set(out[2][changed].tolist()) == {2.0}
    rows, cols = np.nonzero(changed)
    assert changed[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].all()  # a rectangle
    noisy = T.RandomErasing(p=1.0, value="random")(image)
    assert noisy.dtype == np.float32 and (noisy != 1).any()
    whole = T.RandomErasing(p=1.0, scale=(0.99, 1.0), ratio=(1.0, 1.0))(image)
    assert whole is image  # nothing fits: left as it is
    with pytest.raises(ValueError, match="2 entries"):
        T.RandomErasing(p=1.0, value=[1.0, 2.0])(image)


def test_conversions():
    pixels = np.random.default_rng(0).integers(0, 256, (4, 5, 3)).astype(np.uint8)
    tensor = T.ToTensor()(pixels)
    assert tensor.shape == (3, 4, 5) and tensor.dtype == np.float32
    np.testing.assert_allclose(tensor.numpy(), np.moveaxis(pixels, -1, 0) / 255.0, rtol=1e-6)
    image = T.ToImage()(pixels)
    assert image.dtype == np.uint8 and image.shape == (3, 4, 5)
    scaled = T.ToDtype(np.float32, scale=True)(image)
    np.testing.assert_allclose(scaled.numpy(), tensor.numpy())


class Images(data.Dataset):
    def __init__(self, transform):
        self.images = _image((6, 3, 12, 12), seed=2)
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), i


def test_transforms_pickle_and_run_in_dataloader_workers():
    pipeline = T.Compose([
        T.RandomResizedCrop(8, antialias=True), T.RandomHorizontalFlip(),
        T.ColorJitter(0.3, 0.3, 0.3, 0.05), T.Normalize([0.5] * 3, [0.25] * 3),
        T.RandomErasing(),
    ])  # fmt: skip
    assert "RandomResizedCrop" in repr(pickle.loads(pickle.dumps(pipeline)).transforms[0])

    def epoch():
        loader = data.DataLoader(Images(pipeline), batch_size=3, num_workers=2)
        return [x.numpy() for x, _ in loader]

    ag.manual_seed(0)
    first = epoch()
    ag.manual_seed(0)
    again = epoch()
    assert first[0].shape == (3, 3, 8, 8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_transform_input_errors():
    with pytest.raises(TypeError, match="Tensor or numpy array"):
        T.RandomHorizontalFlip(p=1.0)([[1.0]])
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        T.ColorJitter(brightness=0.5)(np.zeros((4, 4), np.float32))
    with pytest.raises(ValueError, match="1 or 3 channels"):
        F.adjust_saturation(np.zeros((2, 4, 4)), 0.5)
    with pytest.raises(ValueError, match="p must be"):
        T.RandomHorizontalFlip(p=2.0)
