"""Instance family and CPU architecture inferred from instance type names (vectorised)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

# AWS: a "g" among the attribute letters after the generation digit = Graviton
# (m6g, c7gn, r8gd, t4g, x2gd, im4gn, is4gen, g5g, hpc7g); a1 = Graviton 1; mac2 = Apple M.
_AWS_ARM = r"^(?:a1|mac2|[a-z]+\d+[a-z]*g[a-z]*)(?:[.-]|$)"
# GCP Arm series: Tau T2A, Axion C4A and N4A.
_GCP_ARM = r"^(?:t2a|c4a|n4a)-"
# Azure: a "p" among the lower-case feature letters after the vCPU count (D2ps_v5,
# E8pds_v6, B2pts_v2); upper-case P in the family (NP10s) is not Arm.
_AZURE_ARM = r"^(?:Standard_|Basic_)?[A-Z]+\d+(?:-\d+)?[a-z]*p[a-z]*(?:_|$)"
# Grace-based GPU systems elsewhere (Lambda gpu_1x_gh200, GB200 racks).
_GRACE = r"(?i)gh200|gb200|gb300"
_AZURE_SIZE = r"^(?:Standard_|Basic_)?([A-Z]+)\d+(?:-\d+)?"


def infer_architecture(provider: str, names: pd.Series) -> npt.NDArray[np.str_]:
    """``arm64`` or ``x86_64`` per name, by the provider's naming convention.

    Providers other than aws/gcp/azure are taken as x86_64 unless the name mentions a
    Grace CPU (GH200/GB200/GB300).
    """
    text = names.astype("string").fillna("")
    key = provider.lower()
    if key == "aws":
        arm = text.str.lower().str.contains(_AWS_ARM, regex=True)
    elif key == "gcp":
        arm = text.str.lower().str.contains(_GCP_ARM, regex=True)
    elif key == "azure":
        arm = text.str.contains(_AZURE_ARM, regex=True)
    else:
        arm = text.str.contains(_GRACE, regex=True)
    return np.where(arm.fillna(False).to_numpy(dtype=bool), "arm64", "x86_64")


def instance_family(provider: str, names: pd.Series) -> npt.NDArray[np.str_]:
    """Family/series per name.

    ``m5`` (aws m5.large), ``n2`` (gcp n2-standard-8), ``Dps_v5`` (azure
    Standard_D2ps_v5: prefix and vCPU count removed); elsewhere the text before the
    first ``.``, ``-`` or ``_``.
    """
    text = names.astype("string").fillna("")
    if provider.lower() == "azure":
        family = text.str.replace(_AZURE_SIZE, r"\1", regex=True)
    else:
        family = text.str.split(r"[.\-_]", n=1, regex=True).str[0]
    return family.fillna("").to_numpy(dtype=str)
