"""``python -m nanoligand.cli``: the same as the ``nanoligand`` script."""

from nanoligand.cli import console

console()
