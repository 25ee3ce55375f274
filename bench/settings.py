"""Django settings for the benchmark: the real settings plus the floor URL (bench.urls).

Copies every setting from cpass.config.settings rather than star-importing it, and changes
only the URL configuration, so what is measured is the platform as configured by CPASS_*.
"""

from __future__ import annotations

from cpass.config import settings as _base

globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

ROOT_URLCONF = "bench.urls"
