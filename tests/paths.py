"""Where the tests find the shared development material (never read by the product at run time).

``JOINTLY_SHARED_DIR`` overrides the default, the ``shared`` folder beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JOINTLY_SHARED_DIR", ROOT.parent / "shared"))
REFERENCE = SHARED / "reference"
PHE_METHODS = REFERENCE / "phe_indicator_methods"
SPC_REFERENCE = REFERENCE / "spc_making_data_count"
OCDS = SHARED / "standards" / "ocds"
