"""Numerical core of skscale: a warped Gaussian process and log EI.

Everything works on points in the unit cube [0, 1]^d and in float64.  The
acquisition is expected improvement for **maximisation**.
"""

from .acquisition import (
    LogExpectedImprovement,
    expected_improvement,
    log_expected_improvement,
)
from .kernel import (
    KERNELS,
    kernel_by_name,
    matern52,
    matern52_grad_input,
    matern52_grad_params,
)
from .model import GaussianProcess, GPParams, negative_log_posterior
from .optimize import EXCLUDE_TOL, first_allowed, maximize_acquisition
from .transform import (
    SCORE_TRANSFORMS,
    fill_failed,
    power_transform,
    rank_transform,
    transform_scores,
)
from .warping import (
    WARP_LOWER,
    WARP_PRIOR_SCALE,
    WARP_UPPER,
    kumaraswamy_cdf,
    kumaraswamy_grad_input,
    kumaraswamy_grad_params,
)

__all__ = [
    "EXCLUDE_TOL",
    "GPParams",
    "SCORE_TRANSFORMS",
    "GaussianProcess",
    "LogExpectedImprovement",
    "WARP_LOWER",
    "WARP_PRIOR_SCALE",
    "WARP_UPPER",
    "expected_improvement",
    "fill_failed",
    "first_allowed",
    "kumaraswamy_cdf",
    "kumaraswamy_grad_input",
    "kumaraswamy_grad_params",
    "log_expected_improvement",
    "KERNELS",
    "kernel_by_name",
    "matern52",
    "matern52_grad_input",
    "matern52_grad_params",
    "maximize_acquisition",
    "negative_log_posterior",
    "power_transform",
    "rank_transform",
    "transform_scores",
]
