"""SyntheticShapes: seeded, consistent targets (tight boxes, masks, labels), batching and
transforms, and a tiny fully convolutional network that learns to segment it in seconds."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F  # noqa: N812 (PyTorch's idiom)
from nn import transforms as T  # noqa: N812 (torchvision's idiom)
from nn.data import DataLoader, SyntheticShapes


def test_scenes_are_seeded_and_shaped_as_documented():
    a, b = SyntheticShapes(20, image_size=32, seed=3), SyntheticShapes(20, image_size=32, seed=3)
    np.testing.assert_array_equal(a.images, b.images)
    assert not np.array_equal(a.images, SyntheticShapes(20, image_size=32, seed=4).images)
    assert a.images.shape == (20, 3, 32, 32) and a.images.dtype == np.float32
    assert a.images.min() >= 0.0 and a.images.max() <= 1.0
    assert a.boxes.shape == (20, 3, 4) and a.labels.shape == (20, 3)
    assert a.semantic_masks.shape == a.instance_masks.shape == (20, 32, 32)
    assert set(np.unique(a.labels[a.labels > 0])) <= {1, 2, 3}
    assert SyntheticShapes.classes[1:] == ("circle", "square", "triangle")


def test_boxes_are_tight_around_the_masks_and_labels_agree():
    scenes = SyntheticShapes(64, image_size=48, max_objects=4, seed=0)
    counts = np.bincount(scenes.num_objects, minlength=5)
    assert counts[0] == 0 and counts[1:].min() > 0  # every count from 1 to 4 occurs
    for i in range(len(scenes)):
        _, target = scenes[i]
        k = int(scenes.num_objects[i])
        assert target["boxes"].shape == (k, 4) and target["masks"].shape == (k, 48, 48)
        for j, (mask, box, label) in enumerate(
            zip(target["masks"].numpy(), target["boxes"].numpy(), target["labels"].numpy())
        ):
            ys, xs = np.nonzero(mask)
            np.testing.assert_array_equal(box, [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
            assert (target["semantic_mask"].numpy()[mask == 1] == label).all()
            assert (target["instance_mask"].numpy()[mask == 1] == j + 1).all()
        assert (target["masks"].numpy().sum(0) <= 1).all()  # shapes never overlap
        assert (target["semantic_mask"].numpy() > 0).sum() == target["masks"].numpy().sum()
    assert (scenes.labels[:, 0] > 0).all()


def test_shapes_look_like_their_class():
    scenes = SyntheticShapes(200, image_size=64, seed=1)
    fill = {1: [], 2: [], 3: []}  # the fraction of its box a shape covers
    for i in range(len(scenes)):
        for j in range(int(scenes.num_objects[i])):
            x1, y1, x2, y2 = scenes.boxes[i, j].astype(int)
            covered = (scenes.instance_masks[i, y1:y2, x1:x2] == j + 1).mean()
            fill[int(scenes.labels[i, j])].append(covered)
    means = {k: np.mean(v) for k, v in fill.items()}
    assert abs(means[1] - np.pi / 4) < 0.06 and means[2] > 0.97 and abs(means[3] - 0.5) < 0.08


def test_batches_transforms_and_errors():
    jitter = T.ColorJitter(brightness=0.3)
    scenes = SyntheticShapes(10, image_size=32, transform=jitter, seed=0)
    images, targets = next(iter(DataLoader(scenes, batch_size=4, collate_fn=scenes.collate_fn)))
    assert images.shape == (4, 3, 32, 32) and len(targets) == 4 and "boxes" in targets[0]
    with pytest.raises(IndexError, match="out of range"):
        scenes[10]
    with pytest.raises(ValueError, match="min_objects"):
        SyntheticShapes(4, min_objects=4, max_objects=3)
    with pytest.raises(ValueError, match="object_size"):
        SyntheticShapes(4, object_size=(0.2, 0.7))
    with pytest.raises(ValueError, match="image_size"):
        SyntheticShapes(4, image_size=4)


@pytest.mark.slow
def test_a_tiny_fully_convolutional_network_learns_where_the_shapes_are():
    train = SyntheticShapes(64, image_size=32, max_objects=2, seed=0)
    test = SyntheticShapes(32, image_size=32, max_objects=2, seed=1)
    ag.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
        nn.Conv2d(8, 4, 1),
    )  # fmt: skip
    opt = nn.optim.Adam(model.parameters(), lr=0.02)
    pairs = nn.data.TensorDataset(ag.tensor(train.images), ag.tensor(train.semantic_masks))
    for _ in range(12):
        for xb, yb in DataLoader(pairs, batch_size=8, shuffle=True):
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()
    with ag.no_grad():
        logits = model(ag.tensor(test.images)).numpy()
    background = np.exp(logits[:, 0]) / np.exp(logits).sum(1)
    found, truth = background < 0.5, test.semantic_masks > 0
    iou = (found & truth).sum() / (found | truth).sum()
    assert iou > 0.6, iou  # the all-background guess scores 0
