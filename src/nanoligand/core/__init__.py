"""Nanocrystal cores: lattices, shapes, terminations and the builder (see ``build.build``)."""
