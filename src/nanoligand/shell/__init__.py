"""Ligand shells on nanocrystal cores: binding sites, recipes, placement, packing and relaxation."""
