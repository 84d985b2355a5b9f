"""Ligand templates: the bound form of a ligand, its force-field conformers, in a head frame.

The bound form follows the motif's ``bound_form`` rules (``data/motifs.yaml``), each naming one of
:data:`TRANSFORMS`: an X-type ligand given as a neutral acid loses the acidic H of its donor (oleic
acid → oleate, a symmetric carboxylate once optimised: ``deprotonate``); a terminal alkene grafted onto
H–Si becomes an alkyl whose terminal carbon bonds the surface (``hydrosilylate``); an aryl diazonium
loses N2 (``dediazoniate``); L, Z and ionic species bind as given. On a metal core a motif whose
``metal_core_form`` is ``radical`` (X) binds as its neutral one-electron form. Only the fragment that
binds is kept (a salt's counter-ions are handled by the recipe).

Conformers come from :mod:`nanoligand.ligands.conformer` (MMFF94-optimised, extended). A template
holds them in its *head frame*:

* one donor (``mono``: OH⁻, RS⁻, RNH2, RNH3⁺ ...): the donor at the origin and +z along the bond
  the donor makes to the surface, reversed (found by optimising the molecule with a placeholder H on
  the donor); an ammonium (no free valence) points +z along its N–C bond;
* two donors (``bi``: a carboxylate): the donors' midpoint at the origin, +x from the first donor to
  the second, +z towards the atom bonded to both, in their plane;
* one atom (``point``: halide, proton).

Placing a ligand is then a rotation and a translation of the head frame onto the donor positions
the binding search found (:mod:`.binding`); rotations about an axis through the donors (any axis for
one donor, the donor–donor axis for two) never change a donor–metal distance.

Examples
--------
>>> t = template("oleic acid", "X")
>>> t.charge, t.symbols.count("O"), t.head
(-1, 2, 'bi')
>>> o1, o2 = t.donors
>>> c = [i for i, s in enumerate(t.symbols) if s == "C" and t.topo[o1, i] == 1][0]
>>> x = t.conformers[0]
>>> [round(float(np.linalg.norm(x[o] - x[c])), 2) for o in (o1, o2)]   # symmetric carboxylate (MMFF94)
[1.26, 1.26]
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import Descriptors

from nanoligand.errors import ChemistryError, InputError
from nanoligand.ligands import Ligand, ligand
from nanoligand.ligands.classify import Anchor
from nanoligand.ligands.conformer import extended_conformers, ligand_fragment
from nanoligand.ligands.descriptors import disc_union_area_A2
from nanoligand.shell.motifs import motif as motif_record
from nanoligand.tables import load_table

#: inorganic classes whose species bind through one terminal atom (SCN-, Sn2S6 4-, MoS4 2- ...)
INORGANIC_SINGLE_DONOR = frozenset({"pseudohalide", "metal_chalcogenide_complex", "metal_free_chalcogenide_complex",
                                    "oxoanion", "polyoxometalate", "metal_halide_complex", "chalcogenide"})
SLAB_A = 3.0  # slab thickness of the cross-section profile
FOOTPRINT_GRID_A = 0.2  # raster of the footprint and cross-sections (the ligand descriptors use 0.1 Å)
POLAR = ("N", "O")
ACCEPTORS = ("N", "O", "F", "Cl", "Br", "I", "S", "Se")


@dataclass(frozen=True)
class Template:
    """A bound ligand ready to place (module docstring).

    Attributes
    ----------
    conformers : ndarray (C, A, 3)
        Head-frame coordinates, straight conformers first (``n_straight`` of them).
    head : str
        ``mono``, ``bi`` or ``point``.
    topo : ndarray (A, A)
        Bonds between atom pairs (topological distance).
    depth : ndarray (A,)
        Bonds from each atom to the nearest donor (0 for donors).
    rotors : tuple of (b, c, moving-atom mask)
        Rotatable bonds; turning about b→c moves the masked atoms (the side away from the donors).
    radii : ndarray (A,)
        Van der Waals radii (``data/validation.yaml``).
    """

    name: str
    resname: str
    motif: str
    symbols: tuple[str, ...]
    charges: np.ndarray
    donors: tuple[int, ...]
    bonds: tuple[tuple[int, int], ...]
    conformers: np.ndarray
    n_straight: int
    head: str
    mass_g_mol: float
    smiles: str
    organic: bool
    force_field: str
    topo: np.ndarray = field(repr=False)
    depth: np.ndarray = field(repr=False)
    rotors: tuple = field(repr=False, default=())
    radii: np.ndarray = field(repr=False, default=None)
    mol_block: str = field(repr=False, default="")  # the bound form with explicit H, template atom order

    def mol(self):
        """The bound form as an RDKit molecule (explicit H, the template's atom order)."""
        return Chem.MolFromMolBlock(self.mol_block, removeHs=False, sanitize=True)

    @property
    def charge(self) -> int:
        return int(self.charges.sum())

    @property
    def n_atoms(self) -> int:
        return len(self.symbols)

    @property
    def heavy(self) -> np.ndarray:
        return np.array([s != "H" for s in self.symbols])

    @property
    def head_atoms(self) -> np.ndarray:
        """Atoms that fix a head: donors, the atoms bonded to them, and heavy atoms two bonds away
        (the α-carbon and second O of a carboxylate): where the chain leaves the surface."""
        return np.nonzero((self.depth <= 1) | ((self.depth == 2) & self.heavy))[0]

    @property
    def donor_elements(self) -> tuple[str, ...]:
        return tuple(sorted({self.symbols[i] for i in self.donors}))

    @property
    def donor_spacing_A(self) -> float:
        """Distance between the two donors of a ``bi`` head (0 otherwise)."""
        if len(self.donors) < 2:
            return 0.0
        x = self.conformers[0]
        return float(np.linalg.norm(x[self.donors[0]] - x[self.donors[1]]))

    @property
    def polar_h(self) -> np.ndarray:
        """H atoms bonded to N or O (hydrogen-bond donors); a lone proton (it binds a surface O)."""
        out = np.zeros(self.n_atoms, bool)
        if self.symbols == ("H",):
            out[0] = True
        for a, b in self.bonds:
            for h, x in ((a, b), (b, a)):
                if self.symbols[h] == "H" and self.symbols[x] in POLAR:
                    out[h] = True
        return out

    @property
    def acceptor(self) -> np.ndarray:
        return np.array([s in ACCEPTORS for s in self.symbols])

    @property
    def length_A(self) -> float:
        """Extent of the straight conformer from the donors, van der Waals radii included."""
        x = self.conformers[0]
        return float((np.linalg.norm(x, axis=1) + self.radii).max())

    @property
    def footprint_nm2(self) -> float:
        """Projected van der Waals area (nm²) of the straight conformer on the surface plane."""
        return _footprint(self.conformers[0], self.radii)

    @property
    def cross_sections(self) -> tuple[np.ndarray, np.ndarray]:
        """Heights (Å above the donors, slab middles) and projected van der Waals areas (nm²) of the
        straight conformer in slabs of ``SLAB_A``: where the ligand is widest, and how high."""
        x = self.conformers[0]
        z = x[:, 2] - x[:, 2].min()
        slab = (z // SLAB_A).astype(int)
        h, a = [], []
        for k in np.unique(slab):
            sel = slab == k
            h.append((k + 0.5) * SLAB_A + x[:, 2].min())
            a.append(_footprint(x[sel], self.radii[sel]))
        return np.maximum(np.array(h), 0.0), np.array(a)


def template(name_or_smiles: str, motif: str, radical: bool = False, kappa: int | None = None) -> Template:
    """The bound-form template of a ligand for a motif (cached per ligand and motif).

    ``radical=True`` builds an X ligand as its neutral one-electron form (RS•, RCOO•): how X ligands
    bind a metal core, which carries no formal charge to balance. ``kappa=1`` binds a two-donor
    group (a carboxylate) through one of its donors only (κ¹: monodentate, or μ-O over a hollow).
    """
    return _template(name_or_smiles.strip(), motif, radical, kappa)


@lru_cache(maxsize=256)
def _template(name_or_smiles: str, motif: str, radical: bool, kappa: int | None = None) -> Template:
    """Built once per process, and kept on disk between processes (:func:`_disk_cache`)."""
    path = _disk_cache(name_or_smiles, motif, radical, kappa)
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception:  # a stale or damaged entry is rebuilt
            path.unlink(missing_ok=True)
    tpl = _make_template(name_or_smiles, motif, radical, kappa)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(tpl, fh)
            os.replace(tmp, path)
        except OSError:  # a read-only home: no cache, same result
            pass
    return tpl


def _disk_cache(*key) -> Path | None:
    """Where a template is cached: ``$NANOLIGAND_CACHE`` (or ``~/.cache/nanoligand``) / a hash of the
    key, the source of the template and conformer modules and the RDKit version (so any change to
    how templates are made makes a new entry); None if caching is switched off (``NANOLIGAND_CACHE=off``)."""
    root = os.environ.get("NANOLIGAND_CACHE", str(Path.home() / ".cache" / "nanoligand"))
    if root.lower() == "off":
        return None
    from nanoligand.ligands import conformer

    h = hashlib.sha256(repr(key).encode())
    for mod in (__file__, conformer.__file__):
        h.update(Path(mod).read_bytes())
    h.update(rdBase.rdkitVersion.encode())
    return Path(root) / "templates" / f"{h.hexdigest()[:32]}.pkl"


def _make_template(name_or_smiles: str, motif: str, radical: bool, kappa: int | None) -> Template:
    lig = ligand(name_or_smiles)
    mol, donors, _ = bound_form(lig, motif)
    if radical and motif_record(motif).metal_core_form == "radical":
        rw = Chem.RWMol(mol)
        for i in donors:
            atom = rw.GetAtomWithIdx(i)
            if atom.GetFormalCharge() < 0:
                atom.SetFormalCharge(atom.GetFormalCharge() + 1)
                atom.SetNumRadicalElectrons(1)
                break
        mol = rw.GetMol()
        Chem.SanitizeMol(mol)
    if kappa is not None:
        return _build(lig.name, mol, donors[:kappa], motif, along_bond=True)
    return _build(lig.name, mol, donors, motif)


def bound_form(lig: Ligand, motif: str) -> tuple[Chem.Mol, list[int], Anchor]:
    """The fragment that binds, in its bound form, with its donor atoms, for ``motif``.

    Raises
    ------
    InputError
        If the ligand has no anchor offering the motif (the message lists the motifs it offers).
    """
    offered = sorted({m for a in lig.anchors for m in a.motifs} | ({lig.motif} if lig.motif else set()))
    rec = motif_record(motif)
    cation = rec.binds_through == "cation"  # an ion pair binds through its onium cation (no motif of its own)
    candidates = [a for a in lig.anchors if motif in a.motifs or (cation and a.motif is None)]
    if cation and lig.motif == motif:
        candidates = [a for a in lig.anchors if a.charge > 0] or candidates
    if not candidates:
        raise InputError(f"{lig.name} has no anchor for the {motif} motif; it offers "
                         f"{', '.join(offered) or 'no motif (no anchor found)'}")
    anchor = min(candidates, key=lambda a: a.priority)
    rw = Chem.RWMol(lig.mol)
    donors = list(anchor.donor_atoms)
    transform = rec.transform(anchor.group, anchor.charge)
    if transform is not None:
        donors = TRANSFORMS[transform](rw, anchor)
    elif len(donors) > 1 and anchor.group in INORGANIC_SINGLE_DONOR:
        donors = donors[:1]  # a polyatomic anion binds through one terminal atom; the rest points out
    mol = rw.GetMol()
    Chem.SanitizeMol(mol)
    frag_mol, donors = ligand_fragment(mol, donors)
    return frag_mol, donors, anchor


def _deprotonate(rw: Chem.RWMol, anchor: Anchor) -> list[int]:
    """A neutral acid binds as its anion: the first donor with an H on O, S, N or Se loses it."""
    donors = list(anchor.donor_atoms)
    for i in donors:
        atom = rw.GetAtomWithIdx(i)
        if atom.GetTotalNumHs() > 0 and atom.GetSymbol() in ("O", "S", "N", "Se"):
            atom.SetNumExplicitHs(max(atom.GetTotalNumHs() - 1, 0))
            atom.SetNoImplicit(True)
            atom.SetFormalCharge(atom.GetFormalCharge() - 1)
            return donors
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


#: the bound-form transforms the motif table names (``bound_form``), each editing the molecule in place
#: and returning the donor atoms of the bound form
TRANSFORMS = {"deprotonate": _deprotonate, "hydrosilylate": _graft_unsaturated, "dediazoniate": _graft_diazonium}


def vdw_radii(symbols) -> np.ndarray:
    """Van der Waals radii (Å) from ``data/validation.yaml`` (2.0 Å for an element it lacks)."""
    table = load_table("validation.yaml")["vdw_radii_A"]
    return np.array([table.get(s, 2.0) for s in symbols], float)


def _build(name: str, mol: Chem.Mol, donors: list[int], motif: str, along_bond: bool = False) -> Template:
    """The template; ``along_bond`` points a one-donor head's +z along the donor's bond to the rest of
    the molecule (a κ¹ carboxylate O standing on a hollow) instead of away from the surface bond."""
    mh = Chem.AddHs(mol)
    n = mh.GetNumAtoms()
    symbols = tuple(a.GetSymbol() for a in mh.GetAtoms())
    radii = vdw_radii(symbols)
    charges = np.array([a.GetFormalCharge() for a in mh.GetAtoms()])
    bonds = tuple((b.GetBeginAtomIdx(), b.GetEndAtomIdx()) for b in mh.GetBonds())
    topo = Chem.GetDistanceMatrix(mh).astype(np.int64)
    if n == 1:
        return _point(name, motif, symbols, charges, Descriptors.MolWt(mh), Chem.MolToSmiles(mol))
    donors = list(donors[:2])
    head = "bi" if len(donors) == 2 else "mono"
    work, holder = (mh, None) if head == "bi" or along_bond else _with_placeholder(mh, donors[0])
    radii_w = vdw_radii([a.GetSymbol() for a in work.GetAtoms()])
    try:
        confs = _conformers(Chem.MolToMolBlock(work), donors[0] if holder is None else holder, tuple(radii_w))
    except ValueError:
        raise ChemistryError(f"could not build 3D coordinates for {name}") from None
    frames = [_head_frame(x, donors, holder, mh) for x in confs.all]
    local = np.array([(x - o) @ axes for x, (o, axes) in zip(confs.all, frames)])[:, :n]
    depth = topo[:, donors].min(axis=1)
    return Template(
        name=name, resname=_resname(name), motif=motif, symbols=symbols, charges=charges, donors=tuple(donors),
        bonds=bonds, conformers=local, n_straight=len(confs.straight), head=head,
        mass_g_mol=Descriptors.MolWt(mh), smiles=Chem.MolToSmiles(mol), organic="C" in symbols,
        force_field=confs.force_field, topo=topo, depth=depth, rotors=_rotors(mh, donors), radii=radii,
        mol_block=Chem.MolToMolBlock(mh))


@lru_cache(maxsize=64)
def _conformers(mol_block: str, start: int, radii: tuple):
    """Conformers of one molecule grown from one atom (shared by the binding modes of a ligand)."""
    mol = Chem.MolFromMolBlock(mol_block, removeHs=False)
    return extended_conformers(mol, start, radii=np.array(radii))


def _with_placeholder(mh: Chem.Mol, donor: int) -> tuple[Chem.Mol, int | None]:
    """The molecule with an H on the donor standing in for the bond to the surface (appended last):
    its direction after optimisation is the bond's. A donor with no valence left (an ammonium N)
    comes back unchanged with None."""
    atom = mh.GetAtomWithIdx(donor)
    rw = Chem.RWMol(mh)
    a = rw.GetAtomWithIdx(donor)
    if a.GetNumRadicalElectrons():
        a.SetNumRadicalElectrons(a.GetNumRadicalElectrons() - 1)
    elif atom.GetFormalCharge() < 0:
        a.SetFormalCharge(atom.GetFormalCharge() + 1)
    elif atom.GetSymbol() in ("N", "P", "As") and atom.GetDegree() <= 3 and atom.GetFormalCharge() == 0:
        a.SetFormalCharge(1)  # a lone-pair donor: the placeholder takes the lone pair's direction
    elif atom.GetSymbol() in ("O", "S", "Se") and atom.GetDegree() <= 2 and atom.GetFormalCharge() == 0:
        a.SetFormalCharge(1)
    else:
        return Chem.Mol(mh), None
    a.SetNoImplicit(True)
    h = rw.AddAtom(Chem.Atom(1))
    rw.AddBond(donor, h, Chem.BondType.SINGLE)
    out = rw.GetMol()
    try:
        Chem.SanitizeMol(out)
    except Exception:  # valence rules refuse the placeholder: fall back to the plain molecule
        return Chem.Mol(mh), None
    return out, h


def _head_frame(xyz: np.ndarray, donors: list[int], holder: int | None, mh: Chem.Mol):
    """Origin and axes (columns x, y, z) of the head frame (module docstring)."""
    if len(donors) == 2:
        origin = xyz[donors].mean(axis=0)
        x = _unit(xyz[donors[1]] - xyz[donors[0]])
        common = set(n.GetIdx() for n in mh.GetAtomWithIdx(donors[0]).GetNeighbors()) & \
            set(n.GetIdx() for n in mh.GetAtomWithIdx(donors[1]).GetNeighbors())
        ref = xyz[sorted(common)[0]] if common else xyz[_heavy_others(mh, donors)].mean(axis=0)
        z = ref - origin
    else:
        origin = xyz[donors[0]]
        heavy_nb = [n.GetIdx() for n in mh.GetAtomWithIdx(donors[0]).GetNeighbors() if n.GetAtomicNum() > 1]
        if holder is not None:
            z = origin - xyz[holder]
        elif heavy_nb:
            z = xyz[heavy_nb].mean(axis=0) - origin
        else:
            z = np.array([0.0, 0.0, 1.0])
        ref = xyz[heavy_nb[0]] if heavy_nb else xyz[[n.GetIdx() for n in mh.GetAtomWithIdx(donors[0]).GetNeighbors()][0]]
        x = ref - origin
    z = _unit(z - (z @ x) * x / max(x @ x, 1e-12)) if len(donors) == 2 else _unit(z)
    x = x - (x @ z) * z
    if np.linalg.norm(x) < 1e-6:
        x = np.cross(z, [1.0, 0.0, 0.0] if abs(z[0]) < 0.9 else [0.0, 1.0, 0.0])
    x = _unit(x)
    return origin, np.column_stack([x, np.cross(z, x), z])


def _heavy_others(mh: Chem.Mol, donors: list[int]) -> list[int]:
    return [a.GetIdx() for a in mh.GetAtoms() if a.GetAtomicNum() > 1 and a.GetIdx() not in donors] or \
        [a.GetIdx() for a in mh.GetAtoms() if a.GetIdx() not in donors]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _rotors(mh: Chem.Mol, donors: list[int]) -> tuple:
    """Rotatable bonds (single, not in a ring, heavy atoms beyond both ends) with the atoms on the
    side away from the donors, which a torsion turn moves."""
    out = []
    topo = Chem.GetDistanceMatrix(mh)
    for bond in mh.GetBonds():
        b, c = bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()
        if bond.GetBondType() != Chem.BondType.SINGLE or mh.GetRingInfo().NumBondRings(bond.GetIdx()):
            continue
        if min(topo[donors, b]) > min(topo[donors, c]):
            b, c = c, b
        heavy_b = [x for x in mh.GetAtomWithIdx(b).GetNeighbors() if x.GetAtomicNum() > 1 and x.GetIdx() != c]
        heavy_c = [x for x in mh.GetAtomWithIdx(c).GetNeighbors() if x.GetAtomicNum() > 1 and x.GetIdx() != b]
        if not heavy_c or not (heavy_b or b in donors):
            continue
        frags = Chem.GetMolFrags(Chem.FragmentOnBonds(mh, [bond.GetIdx()], addDummies=False), asMols=False)
        side = next(f for f in frags if c in f)
        if any(d in side for d in donors):
            continue
        mask = np.zeros(mh.GetNumAtoms(), bool)
        mask[list(side)] = True
        out.append((b, c, mask))
    return tuple(out)


def _footprint(xyz: np.ndarray, radii: np.ndarray) -> float:
    """Projected area (nm²) of the van der Waals discs on the head frame's xy plane (the surface)."""
    return disc_union_area_A2(xyz[:, :2], radii, FOOTPRINT_GRID_A) / 100.0


def _resname(name: str) -> str:
    """A three-character residue name from the ligand name (letters only, upper case); a model makes
    the names of its species unique (:mod:`nanoligand.nanocrystal`)."""
    letters = "".join(c for c in name.upper() if c.isalpha())
    return (letters[:3] or "LIG").ljust(3, "X")


def _point(name: str, motif: str, symbols, charges, mass: float, smiles: str) -> Template:
    return Template(name=name, resname=_resname(name), motif=motif, symbols=tuple(symbols),
                    charges=np.asarray(charges), donors=(0,), bonds=(), conformers=np.zeros((1, 1, 3)),
                    n_straight=1, head="point", mass_g_mol=mass, smiles=smiles, organic=False, force_field="none",
                    topo=np.zeros((1, 1), np.int64), depth=np.zeros(1, np.int64), radii=vdw_radii(symbols))


def single_atom_template(name: str, element: str, charge: int, motif: str) -> Template:
    """A one-atom template (a proton on a surface oxygen, a bare ion)."""
    pt = Chem.GetPeriodicTable()
    return _point(name, motif, (element,), [charge], pt.GetAtomicWeight(element),
                  f"[{element}{'+' if charge > 0 else '-' if charge < 0 else ''}]")
