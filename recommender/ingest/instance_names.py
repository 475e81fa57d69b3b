"""Instance family and CPU architecture inferred from instance type names.

One rule per name (:func:`name_architecture`, :func:`name_family`, memoised: callers
resend the same catalogues), and column versions of both for the loaders' frames.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

# AWS: a "g" among the attribute letters after the generation digit = Graviton
# (m6g, c7gn, r8gd, t4g, x2gd, im4gn, is4gen, g5g, hpc7g); a1 = Graviton 1; mac2 = Apple M.
_AWS_ARM = re.compile(r"^(?:a1|mac2|[a-z]+\d+[a-z]*g[a-z]*)(?:[.-]|$)")
# GCP Arm series: Tau T2A, Axion C4A and N4A.
_GCP_ARM = re.compile(r"^(?:t2a|c4a|n4a)-")
# Azure: a "p" among the lower-case feature letters after the vCPU count (D2ps_v5,
# E8pds_v6, B2pts_v2); upper-case P in the family (NP10s) is not Arm.
_AZURE_ARM = re.compile(r"^(?:Standard_|Basic_)?[A-Z]+\d+(?:-\d+)?[a-z]*p[a-z]*(?:_|$)")
# Grace-based GPU systems elsewhere (Lambda gpu_1x_gh200, GB200 racks).
_GRACE = re.compile(r"(?i)gh200|gb200|gb300")
_AZURE_SIZE = re.compile(r"^(?:Standard_|Basic_)?([A-Z]+)\d+(?:-\d+)?")
_SEPARATOR = re.compile(r"[.\-_]")
_CACHE_SIZE = 16_384


@lru_cache(maxsize=_CACHE_SIZE)
def name_is_arm(provider: str, name: str) -> bool:
    """Whether ``name`` is an Arm type by the provider's naming convention.

    Providers other than aws/gcp/azure are taken as x86_64 unless the name mentions a
    Grace CPU (GH200/GB200/GB300).
    """
    key = provider.lower()
    if key == "aws":
        return _AWS_ARM.search(name.lower()) is not None
    if key == "gcp":
        return _GCP_ARM.search(name.lower()) is not None
    if key == "azure":
        return _AZURE_ARM.search(name) is not None
    return _GRACE.search(name) is not None


def name_architecture(provider: str, name: str) -> str:
    """``arm64`` or ``x86_64`` (see :func:`name_is_arm`)."""
    return "arm64" if name_is_arm(provider, name) else "x86_64"


@lru_cache(maxsize=_CACHE_SIZE)
def name_family(provider: str, name: str) -> str:
    """Family/series of a type name.

    ``m5`` (aws m5.large), ``n2`` (gcp n2-standard-8), ``Dps_v5`` (azure
    Standard_D2ps_v5: prefix and vCPU count removed); elsewhere the text before the
    first ``.``, ``-`` or ``_``.
    """
    if provider.lower() == "azure":
        return _AZURE_SIZE.sub(r"\1", name)
    return _SEPARATOR.split(name, maxsplit=1)[0]


def _texts(names: pd.Series) -> list[str]:
    """Names as strings, missing ones as ``""``."""
    return [str(x) for x in names.astype("string").fillna("").tolist()]


def infer_architecture(provider: str, names: pd.Series) -> npt.NDArray[np.str_]:
    """``arm64`` or ``x86_64`` per name (:func:`name_is_arm`)."""
    arm = np.array([name_is_arm(provider, n) for n in _texts(names)], dtype=bool)
    return np.where(arm, "arm64", "x86_64")


def instance_family(provider: str, names: pd.Series) -> npt.NDArray[np.str_]:
    """Family/series per name (:func:`name_family`)."""
    return np.array([name_family(provider, n) for n in _texts(names)], dtype=str)
