"""Names of the first release, kept as aliases for one release: use :func:`nanoligand.build` and
:class:`nanoligand.Nanocrystal`. Nothing inside the package imports this module."""

from nanoligand.nanocrystal import Nanocrystal as BareCore  # noqa: F401
from nanoligand.nanocrystal import build_core  # noqa: F401
