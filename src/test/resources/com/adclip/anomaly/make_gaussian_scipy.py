"""Makes gaussian-scipy.npz: scipy.ndimage.gaussian_filter outputs for GaussianSmoothingTest.

Run from this folder: python3 make_gaussian_scipy.py  (numpy + scipy; seed fixed, so reruns are identical
for a given scipy). Each case k stores `k/in` (float32, [H, W] or [B, H, W]), `k/out` (the reference:
gaussian_filter per 2-D image, mode 'reflect', truncate 4.0) and `k/sigma` (float64 scalar as [1]).
Several cases have a kernel radius larger than the map, so the reflection repeats.
"""
import numpy as np
import scipy
from scipy import ndimage

CASES = [  # (shape, sigma)
    ((3, 5), 2.0),        # radius 8 > both sides
    ((1, 7), 1.5),        # a single row
    ((20, 13), 0.7),      # small radius
    ((2, 9, 11), 3.3),    # a batch, radius 13
    ((16, 16), 4.0),      # radius 16 = side
    ((6, 4), 0.26),       # radius 1
]

rng = np.random.default_rng(20240611)
arrays = {}
for k, (shape, sigma) in enumerate(CASES):
    x = rng.standard_normal(shape).astype(np.float32) * 3 + 1
    if x.ndim == 2:
        y = ndimage.gaussian_filter(x, sigma)
    else:
        y = np.stack([ndimage.gaussian_filter(m, sigma) for m in x])
    assert y.dtype == np.float32
    arrays[f"{k}/in"] = x
    arrays[f"{k}/out"] = y
    arrays[f"{k}/sigma"] = np.array([sigma], dtype=np.float64)
np.savez("gaussian-scipy.npz", **arrays)
print("scipy", scipy.__version__, "numpy", np.__version__, "cases", len(CASES))
