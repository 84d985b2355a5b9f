"""Ligand shells on nanocrystal cores: binding sites, recipes, placement, clash relief."""
