"""Ligand templates: the bound form of a ligand in 3D, in a local frame, with rotation variants.

The bound form follows the motif: an X-type ligand given as a neutral acid loses the acidic H of its
donor (oleic acid → oleate); a terminal alkene grafted onto H–Si becomes an alkyl whose terminal carbon
bonds the surface; an aryl diazonium loses N2; L, Z and ionic species bind as given. Only the fragment
that binds is kept (a salt's counter-ions are handled by the shell recipe).

The local frame puts the donor atoms' centroid at the origin and the ligand's axis (towards the
centroid of its other heavy atoms) along +z. Variants are rigid rotations of the narrowest few
conformers (see :func:`_conformers`): spins about z and tilts away from it, used by the clash search.

Examples
--------
>>> t = template("oleic acid", "X")
>>> t.charge, t.symbols.count("O"), t.donor_elements
(-1, 2, ('O',))
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import Descriptors, rdMolTransforms

from nanoligand.errors import ChemistryError, InputError
from nanoligand.ligands import Ligand, ligand
from nanoligand.ligands.classify import Anchor
from nanoligand.ligands.descriptors import _embed, _straighten

#: inorganic classes whose species bind through one terminal atom (SCN-, Sn2S6 4-, MoS4 2- ...)
INORGANIC_SINGLE_DONOR = frozenset({"pseudohalide", "metal_chalcogenide_complex", "metal_free_chalcogenide_complex",
                                    "oxoanion", "polyoxometalate", "metal_halide_complex", "chalcogenide"})
#: spin angles (degrees) and tilts (degrees) of the rotation variants
SPINS_DEG = tuple(range(0, 360, 30))
TILTS_DEG = (0.0, 12.0, 24.0, 36.0)
N_CONFORMERS = 2
HEAD_TWISTS_DEG = (30.0, -30.0, 60.0, -60.0, 90.0)
GAUCHE_DEG = 60.0
SLAB_A = 3.0  # slab thickness of the cross-section profile
FLEX_TORSIONS_DEG = (180.0, 120.0, -120.0)
MAX_FLEX_TORSIONS = 4


@dataclass(frozen=True)
class Template:
    """A bound ligand ready to place (see module docstring)."""

    name: str
    resname: str
    motif: str
    symbols: tuple[str, ...]
    charges: np.ndarray
    donors: tuple[int, ...]
    bonds: tuple[tuple[int, int], ...]
    variants: np.ndarray  # (V, A, 3) local-frame coordinates
    mass_g_mol: float
    footprint_nm2: float
    length_A: float
    smiles: str
    organic: bool
    spin_index: np.ndarray = field(repr=False, default=None)  # (V,) spin of each variant
    tilt_index: np.ndarray = field(repr=False, default=None)
    wide_axis_deg: float = 0.0  # broad axis (local xy plane): a donor pair's axis, else the projection's
    n_straight: int = 1  # conformers 0..n_straight-1 are straight, the rest bent (see _conformers)
    topo: np.ndarray = field(repr=False, default=None)  # (A, A) bonds between atoms
    rotors: tuple = field(repr=False, default=())  # (b, c, moving-atom mask): torsions the relaxation turns

    @property
    def charge(self) -> int:
        return int(self.charges.sum())

    @property
    def n_atoms(self) -> int:
        return len(self.symbols)

    @property
    def donor_elements(self) -> tuple[str, ...]:
        return tuple(sorted({self.symbols[i] for i in self.donors}))

    @property
    def donor_radius_A(self) -> float:
        """Largest distance of a donor atom from the donor centroid (0 for one donor)."""
        return float(np.linalg.norm(self.variants[0][list(self.donors)], axis=1).max())

    @property
    def cross_sections(self) -> tuple[np.ndarray, np.ndarray]:
        """Heights (Å, slab middles along the ligand's long axis from the donors) and projected van der
        Waals areas (nm²) of the first conformer in slabs of ``SLAB_A``: where the ligand is widest,
        and how high."""
        xyz = self.variants[0] - self.variants[0][list(self.donors)].mean(axis=0)
        if self.n_atoms > 2:  # the long axis, pointing away from the donors
            axis = np.linalg.svd(xyz - xyz.mean(axis=0))[2][0]
            axis = axis if axis @ xyz.mean(axis=0) >= 0 else -axis
            u = np.cross(axis, [1.0, 0.0, 0.0] if abs(axis[0]) < 0.9 else [0.0, 1.0, 0.0])
            u /= np.linalg.norm(u)
            xyz = xyz @ np.column_stack([u, np.cross(axis, u), axis])
        radii = np.array([Chem.GetPeriodicTable().GetRvdw(s) for s in self.symbols])
        z = xyz[:, 2] - xyz[:, 2].min()
        slab = (z // SLAB_A).astype(int)
        h, a = [], []
        for k in np.unique(slab):
            sel = slab == k
            h.append((k + 0.5) * SLAB_A + xyz[:, 2].min())
            a.append(_footprint(xyz[sel], radii[sel]))
        return np.maximum(np.array(h), 0.0), np.array(a)

    @property
    def roles(self) -> np.ndarray:
        """Per atom: 2 for a donor, 1 for a heavy atom bonded to a donor, 0 otherwise."""
        out = np.zeros(self.n_atoms, np.int8)
        for a, b in self.bonds:
            for x, y in ((a, b), (b, a)):
                if x in self.donors and y not in self.donors and self.symbols[y] != "H":
                    out[y] = 1
        out[list(self.donors)] = 2
        return out

    @property
    def heavy(self) -> np.ndarray:
        return np.array([s != "H" for s in self.symbols])


def template(name_or_smiles: str, motif: str, radical: bool = False) -> Template:
    """The bound-form template of a ligand for a motif (cached per ligand and motif).

    ``radical=True`` builds an X ligand as its neutral one-electron form (RS•, RCOO•): how X ligands
    bind a metal core, which carries no formal charge to balance.
    """
    return _template(name_or_smiles.strip(), motif, radical)


@lru_cache(maxsize=256)
def _template(name_or_smiles: str, motif: str, radical: bool) -> Template:
    lig = ligand(name_or_smiles)
    mol, donors, chosen = bound_form(lig, motif)
    if radical and motif == "X":
        rw = Chem.RWMol(mol)
        for i in donors:
            atom = rw.GetAtomWithIdx(i)
            if atom.GetFormalCharge() < 0:
                atom.SetFormalCharge(atom.GetFormalCharge() + 1)
                atom.SetNumRadicalElectrons(1)
                break
        mol = rw.GetMol()
        Chem.SanitizeMol(mol)
    return _build(lig, mol, donors, chosen, motif)


def bound_form(lig: Ligand, motif: str) -> tuple[Chem.Mol, list[int], Anchor]:
    """The fragment that binds, in its bound form, with its donor atoms, for ``motif``.

    Raises
    ------
    InputError
        If the ligand has no anchor offering the motif (the message lists the motifs it offers).
    """
    offered = sorted({m for a in lig.anchors for m in a.motifs} | ({lig.motif} if lig.motif else set()))
    candidates = [a for a in lig.anchors if motif in a.motifs or (motif == "ion_pair" and a.motif is None)]
    if motif == "ion_pair" and lig.motif == "ion_pair":
        candidates = [a for a in lig.anchors if a.charge > 0] or candidates
    if not candidates:
        raise InputError(f"{lig.name} has no anchor for the {motif} motif; it offers "
                         f"{', '.join(offered) or 'no motif (no anchor found)'}")
    anchor = min(candidates, key=lambda a: a.priority)
    rw = Chem.RWMol(lig.mol)
    donors = list(anchor.donor_atoms)
    if motif == "X" and anchor.charge == 0:  # a neutral acid binds as its anion
        _deprotonate(rw, donors)
    elif motif == "covalent" and anchor.group in ("alkene_terminal", "alkyne_terminal"):
        donors = _graft_unsaturated(rw, anchor)
    elif motif == "covalent" and anchor.group == "aryl_diazonium":
        donors = _graft_diazonium(rw, anchor)
    elif len(donors) > 1 and anchor.group in INORGANIC_SINGLE_DONOR:
        donors = donors[:1]  # a polyatomic anion binds through one terminal atom; the rest points out
    mol = rw.GetMol()
    Chem.SanitizeMol(mol)
    frag_mol, donors = _keep_fragment(mol, donors)
    return frag_mol, donors, anchor


def _deprotonate(rw: Chem.RWMol, donors: list[int]) -> None:
    for i in donors:
        atom = rw.GetAtomWithIdx(i)
        if atom.GetTotalNumHs() > 0 and atom.GetSymbol() in ("O", "S", "N", "Se"):
            atom.SetNumExplicitHs(max(atom.GetTotalNumHs() - 1, 0))
            atom.SetNoImplicit(True)
            atom.SetFormalCharge(atom.GetFormalCharge() - 1)
            return
    raise ChemistryError("no acidic H on the donor atoms to remove for the X motif")


def _graft_unsaturated(rw: Chem.RWMol, anchor: Anchor) -> list[int]:
    """Hydrosilylation: the terminal C=C (C#C) becomes C-C (C=C); the terminal C bonds the surface."""
    c1, c2 = anchor.donor_atoms[0], anchor.donor_atoms[1]
    bond = rw.GetBondBetweenAtoms(c1, c2)
    single = bond.GetBondType() == Chem.BondType.DOUBLE
    bond.SetBondType(Chem.BondType.SINGLE if single else Chem.BondType.DOUBLE)
    for i in (c1, c2):
        rw.GetAtomWithIdx(i).SetNoImplicit(False)
        rw.GetAtomWithIdx(i).SetNumExplicitHs(0)
    rw.GetAtomWithIdx(c1).SetNumRadicalElectrons(1)  # the valence that bonds the surface atom
    rw.GetAtomWithIdx(c1).SetNoImplicit(True)
    rw.GetAtomWithIdx(c1).SetNumExplicitHs(2 if single else 1)
    return [c1]


def _graft_diazonium(rw: Chem.RWMol, anchor: Anchor) -> list[int]:
    """Aryl diazonium: N2 leaves, the aryl carbon bonds the surface."""
    n_plus = anchor.donor_atoms[0]
    aryl = next(n.GetIdx() for n in rw.GetAtomWithIdx(n_plus).GetNeighbors() if n.GetSymbol() == "C")
    n_term = next(n.GetIdx() for n in rw.GetAtomWithIdx(n_plus).GetNeighbors() if n.GetSymbol() == "N")
    rw.GetAtomWithIdx(aryl).SetNumRadicalElectrons(1)
    for i in sorted((n_plus, n_term), reverse=True):
        rw.RemoveAtom(i)
    return [aryl - sum(1 for r in (n_plus, n_term) if r < aryl)]


def _keep_fragment(mol: Chem.Mol, donors: list[int]) -> tuple[Chem.Mol, list[int]]:
    frags = Chem.GetMolFrags(mol, asMols=False)
    if len(frags) == 1:
        return mol, donors
    keep = next(f for f in frags if donors[0] in f)
    rw = Chem.RWMol(mol)
    for i in sorted(set(range(mol.GetNumAtoms())) - set(keep), reverse=True):
        rw.RemoveAtom(i)
    new = {old: k for k, old in enumerate(sorted(keep))}
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out, [new[d] for d in donors if d in new]


def _build(lig: Ligand, mol: Chem.Mol, donors: list[int], anchor: Anchor, motif: str) -> Template:
    mh = Chem.AddHs(mol, addCoords=False)
    symbols = tuple(a.GetSymbol() for a in mh.GetAtoms())
    radii = np.array([Chem.GetPeriodicTable().GetRvdw(s) for s in symbols])
    straight, bent = _conformers(mh, donors, lig.name, radii)
    charges = np.array([a.GetFormalCharge() for a in mh.GetAtoms()])
    bonds = tuple((b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mh.GetBonds())
    variants, spin, tilt = _variants(np.array(straight + bent))
    base = straight[0]
    length = float((np.linalg.norm(base, axis=1) + radii).max()) if len(base) > 1 else 2 * radii[0]
    return Template(
        name=lig.name, resname=_resname(lig.name), motif=motif, symbols=symbols, charges=charges,
        donors=tuple(donors), bonds=bonds, variants=variants, mass_g_mol=Descriptors.MolWt(mh),
        footprint_nm2=_footprint(base, radii), length_A=length, smiles=Chem.MolToSmiles(mol),
        organic=any(s == "C" for s in symbols), spin_index=spin, tilt_index=tilt,
        wide_axis_deg=0.0 if len(donors) == 2 else _wide_axis_deg(base, np.array([s != "H" for s in symbols])),
        n_straight=len(straight),
        topo=Chem.GetDistanceMatrix(mh).astype(np.int64), rotors=_rotors(mh, donors[0]),
    )


def _rotors(mh: Chem.Mol, donor: int) -> tuple:
    """Rotatable bonds (single, not in a ring, heavy atoms on both sides beyond the bond) with the
    atoms on the side away from the donor, which a torsion turn moves."""
    out = []
    topo = Chem.GetDistanceMatrix(mh)
    for bond in mh.GetBonds():
        b, c = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if not _rotatable(mh, b, c) or mh.GetAtomWithIdx(b).GetAtomicNum() == 1 or \
                mh.GetAtomWithIdx(c).GetAtomicNum() == 1:
            continue
        if topo[donor, b] > topo[donor, c]:
            b, c = c, b
        frags = Chem.GetMolFrags(Chem.FragmentOnBonds(mh, [bond.GetIdx()], addDummies=False), asMols=False)
        side = next(f for f in frags if c in f)
        heavy_b = [n for n in mh.GetAtomWithIdx(b).GetNeighbors() if n.GetAtomicNum() > 1 and n.GetIdx() != c]
        heavy_c = [n for n in mh.GetAtomWithIdx(c).GetNeighbors() if n.GetAtomicNum() > 1 and n.GetIdx() != b]
        if not heavy_b or not heavy_c:
            continue
        mask = np.zeros(mh.GetNumAtoms(), bool)
        mask[list(side)] = True
        out.append((b, c, mask))
    return tuple(out)


def _conformers(mh: Chem.Mol, donors: list[int], name: str, radii: np.ndarray
                ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Local-frame conformers, ``(straight, bent)``.

    Straight: an RDKit (ETKDG) embedding with the donor-to-tail path made all-trans, and its variants
    with the single bonds next to double bonds on that path set to skew (±120°) as well as trans (the
    torsions that straighten a cis-alkene chain such as oleate's); the ``N_CONFORMERS`` narrowest,
    narrowest first, then the narrowest with its chain turned about the donor group's first bond
    (``HEAD_TWISTS_DEG``: the carboxylate plane need not contain the chain's). Bent: the narrowest straight one with one gauche (±60°) torsion on each rotatable
    bond of the path in turn (chains that bend away from a crowded neighbour), in its parent's frame.
    """
    if mh.GetNumAtoms() == 1:
        return [np.zeros((1, 3))], []
    n = mh.GetNumAtoms()
    m, dummy = _with_surface_bond(mh, donors)
    with rdBase.BlockLogs():
        if not _embed(m, 0xC0FFEE):
            raise ChemistryError(f"could not build 3D coordinates for {name}")
    conf = m.GetConformer()
    heavy = [a.GetIdx() for a in m.GetAtoms() if a.GetAtomicNum() > 1]
    far = max(heavy, key=lambda j: Chem.GetDistanceMatrix(m)[donors[0], j])
    if far == donors[0]:
        xyz = np.array(conf.GetPositions())
        return [_to_frame(xyz, *_local_frame(xyz, donors, m, dummy))[:n]], []
    path = Chem.GetShortestPath(m, donors[0], far)
    if dummy is not None:  # the chain runs anti to the surface bond
        path = (dummy, *path)
    _straighten(m, conf, path)
    quads = list(zip(path, path[1:], path[2:], path[3:]))
    flex = [q for q in quads if _next_to_double(m, q[1], q[2])][:MAX_FLEX_TORSIONS]
    raw = [x for x in (_set_torsions(m, conf, flex, angles)
                       for angles in itertools.product(FLEX_TORSIONS_DEG, repeat=len(flex))) if x is not None]
    raw = raw or [np.array(conf.GetPositions())]
    frames = [_local_frame(x, donors, m, dummy) for x in raw]
    local = [_to_frame(x, *f)[:n] for x, f in zip(raw, frames)]
    order = np.argsort([_footprint(x, radii) for x in local], kind="stable")[:N_CONFORMERS]
    straight = [local[i] for i in order]
    parent = Chem.Conformer(conf)
    for atom, xyz in enumerate(raw[order[0]]):
        parent.SetAtomPosition(atom, xyz.tolist())
    rotatable = [q for q in quads if _rotatable(m, q[1], q[2]) and _moves_heavy(m, q)]
    twisted = []
    if rotatable and rotatable[0][0] == donors[0]:  # turn the chain about the donor group's first bond
        head = rotatable[0]
        d0 = rdMolTransforms.GetDihedralDeg(parent, *head)
        twisted = [x for x in (_set_torsions(m, parent, [head], (d0 + t,)) for t in HEAD_TWISTS_DEG)
                   if x is not None]
    bent = [x for x in (_set_torsions(m, parent, [q], (sign * GAUCHE_DEG,))
                        for q in rotatable for sign in (1, -1)) if x is not None]
    frame = frames[order[0]]
    return straight + [_to_frame(x, *frame)[:n] for x in twisted], [_to_frame(x, *frame)[:n] for x in bent]


def _with_surface_bond(mh: Chem.Mol, donors: list[int]) -> tuple[Chem.Mol, int | None]:
    """For a grafted carbon (a single C donor with a free valence), the molecule with that valence
    closed by a placeholder H (appended last), so that the embedding gives the carbon its tetrahedral
    geometry; the placeholder's direction is the bond to the surface. Other donors (S, O, N: lone
    pairs, their angle at the donor is soft) come back unchanged with ``None``."""
    if len(donors) != 1:
        return Chem.Mol(mh), None
    atom = mh.GetAtomWithIdx(donors[0])
    if atom.GetSymbol() != "C" or atom.GetDegree() == 0 or \
            (atom.GetNumRadicalElectrons() == 0 and atom.GetFormalCharge() >= 0):
        return Chem.Mol(mh), None
    rw = Chem.RWMol(mh)
    a = rw.GetAtomWithIdx(donors[0])
    if a.GetNumRadicalElectrons():
        a.SetNumRadicalElectrons(a.GetNumRadicalElectrons() - 1)
    else:
        a.SetFormalCharge(a.GetFormalCharge() + 1)
    dummy = rw.AddAtom(Chem.Atom(1))
    rw.AddBond(donors[0], dummy, Chem.BondType.SINGLE)
    out = rw.GetMol()
    Chem.SanitizeMol(out)
    return out, dummy


def _set_torsions(m: Chem.Mol, conf, quads, angles) -> np.ndarray | None:
    """Coordinates with the given torsions set (``None`` if the result folds onto itself)."""
    c = Chem.Conformer(conf)
    for quad, angle in zip(quads, angles):
        try:
            rdMolTransforms.SetDihedralDeg(c, *quad, float(angle))
        except (ValueError, RuntimeError):
            return None
    xyz = np.array(c.GetPositions())
    return None if _self_clash(xyz, m) else xyz


def _rotatable(m: Chem.Mol, b: int, c: int) -> bool:
    bond = m.GetBondBetweenAtoms(b, c)
    return bond.GetBondType() == Chem.BondType.SINGLE and not m.GetRingInfo().NumBondRings(bond.GetIdx())


def _moves_heavy(m: Chem.Mol, quad) -> bool:
    """A torsion about b–c moves heavy atoms (not just the H of a terminal methyl)."""
    d = quad[3]
    return any(n.GetAtomicNum() > 1 and n.GetIdx() != quad[2] for n in m.GetAtomWithIdx(d).GetNeighbors()) or \
        m.GetAtomWithIdx(d).GetAtomicNum() > 1 and m.GetAtomWithIdx(quad[2]).GetDegree() > 2


def _next_to_double(m: Chem.Mol, b: int, c: int) -> bool:
    bond = m.GetBondBetweenAtoms(b, c)
    if bond.GetBondType() != Chem.BondType.SINGLE or m.GetRingInfo().NumBondRings(bond.GetIdx()):
        return False
    return any(x.GetBondType() == Chem.BondType.DOUBLE for a in (b, c)
               for x in m.GetAtomWithIdx(a).GetBonds() if x.GetIdx() != bond.GetIdx())


def _self_clash(xyz: np.ndarray, m: Chem.Mol) -> bool:
    """Atoms more than three bonds apart closer than 1.8 Å (a torsion combination that folds back)."""
    topo = Chem.GetDistanceMatrix(m)
    d = np.linalg.norm(xyz[:, None] - xyz[None], axis=2)
    return bool(np.any((topo > 3) & (d < 1.8)))


def _wide_axis_deg(xyz: np.ndarray, heavy: np.ndarray) -> float:
    """Direction (degrees in the local xy plane) of the broad axis of the heavy atoms' projection."""
    p = xyz[heavy, :2] if heavy.sum() > 1 else xyz[:, :2]
    if len(p) < 2:
        return 0.0
    p = p - p.mean(axis=0)
    w, v = np.linalg.eigh(p.T @ p)
    axis = v[:, np.argmax(w)]
    return float(np.degrees(np.arctan2(axis[1], axis[0])))


def _local_frame(xyz: np.ndarray, donors: list[int], mol: Chem.Mol,
                 surface: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Origin (donor centroid) and axes (columns x, y, z). z points away from the placeholder of the
    surface bond (``surface``, see :func:`_with_surface_bond`), or, for a single donor with three or
    more neighbours (an amine N), opposite its free tetrahedral direction; otherwise towards the other
    heavy atoms, made perpendicular to the donor atoms' axis (two donors) or plane (three or more), so
    that a
    chelating or bridging head meets the surface with all its donors at one height; x lies along a
    donor pair's axis, so that tilts (turns about x) keep both donors at that height."""
    origin = xyz[donors].mean(axis=0)
    others = [i for i in range(len(xyz)) if i not in donors and mol.GetAtomWithIdx(i).GetAtomicNum() > 1]
    if not others:
        others = [i for i in range(len(xyz)) if i not in donors]
    if not others:
        return origin, np.eye(3)
    others = [i for i in others if i != surface]
    z = xyz[others].mean(axis=0) - origin
    spread = xyz[donors] - origin
    nbrs = [n.GetIdx() for n in mol.GetAtomWithIdx(donors[0]).GetNeighbors()]
    if surface is not None:  # away from the placeholder of the surface bond
        z = origin - xyz[surface]
    elif len(donors) == 1 and len(nbrs) >= 3:  # a saturated donor (amine N, grafted C): the bond to the
        bonds = xyz[nbrs] - origin            # surface takes the free tetrahedral direction
        z = (bonds / np.linalg.norm(bonds, axis=1)[:, None]).sum(axis=0)
    elif len(donors) == 2:
        axis = spread[0] / max(np.linalg.norm(spread[0]), 1e-9)
        z = z - (z @ axis) * axis
    elif len(donors) > 2:
        normal = np.linalg.svd(spread)[2][-1]
        z = normal if normal @ z >= 0 else -normal
    if np.linalg.norm(z) < 1e-6:
        z = np.array([0.0, 0.0, 1.0])
    z = z / np.linalg.norm(z)
    ref = spread[0] if len(donors) == 2 else xyz[others[0]] - origin  # tilts turn about a donor pair's axis
    x = ref - (ref @ z) * z
    if np.linalg.norm(x) < 1e-6:
        x = np.cross(z, [1.0, 0.0, 0.0] if abs(z[0]) < 0.9 else [0.0, 1.0, 0.0])
    x = x / np.linalg.norm(x)
    return origin, np.column_stack([x, np.cross(z, x), z])


def _to_frame(xyz: np.ndarray, origin: np.ndarray, axes: np.ndarray) -> np.ndarray:
    return (xyz - origin) @ axes


def _variants(confs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(conformer, tilt, spin) rotations of the local-frame conformers: (V, A, 3) plus spin/tilt ids."""
    out, spin_id, tilt_id = [], [], []
    for conf in confs:
        for ti, tilt in enumerate(TILTS_DEG):
            t = np.radians(tilt)
            tilt_m = np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])
            tilted = conf @ tilt_m.T
            for si, spin in enumerate(SPINS_DEG):
                s = np.radians(spin)
                spin_m = np.array([[np.cos(s), -np.sin(s), 0], [np.sin(s), np.cos(s), 0], [0, 0, 1]])
                out.append(tilted @ spin_m.T)
                spin_id.append(si)
                tilt_id.append(ti)
    return np.array(out), np.array(spin_id), np.array(tilt_id)


def _footprint(xyz: np.ndarray, radii: np.ndarray, grid: float = 0.2) -> float:
    """Projected area (nm²) of the van der Waals discs on the local xy plane."""
    p = xyz[:, :2]
    lo = (p - radii[:, None]).min(axis=0)
    hi = (p + radii[:, None]).max(axis=0)
    X, Y = np.meshgrid(np.arange(lo[0], hi[0] + grid, grid), np.arange(lo[1], hi[1] + grid, grid), indexing="ij")
    covered = np.zeros(X.shape, bool)
    for (px, py), r in zip(p, radii):
        covered |= (X - px) ** 2 + (Y - py) ** 2 <= r * r
    return float(covered.sum() * grid * grid / 100.0)


def _resname(name: str) -> str:
    """A three-character residue name from the ligand name (letters only, upper case)."""
    letters = "".join(c for c in name.upper() if c.isalpha())
    return (letters[:3] or "LIG").ljust(3, "X")


def single_atom_template(name: str, element: str, charge: int, motif: str) -> Template:
    """A one-atom template (a proton on a surface oxygen, a bare ion)."""
    variants, spin, tilt = _variants(np.zeros((1, 1, 3)))
    radius = Chem.GetPeriodicTable().GetRvdw(element)
    return Template(name=name, resname=_resname(name), motif=motif, symbols=(element,),
                    charges=np.array([charge]), donors=(0,), bonds=(), variants=variants,
                    mass_g_mol=Chem.GetPeriodicTable().GetAtomicWeight(element),
                    footprint_nm2=float(np.pi * radius ** 2 / 100), length_A=2 * radius,
                    smiles=f"[{element}{'+' if charge > 0 else '-' if charge < 0 else ''}]", organic=False,
                    spin_index=spin, tilt_index=tilt, topo=np.zeros((1, 1), np.int64))
