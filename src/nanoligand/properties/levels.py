"""Band edges of QDs versus size, their shift by a ligand-dipole layer, and an alignment diagram.

* **Gap versus size** from the material's sizing curve (first-exciton energy, :mod:`.optics`).
* **Where the confinement goes**: the gap's rise over the bulk gap (``materials.yaml``) is split
  between conduction and valence band in inverse proportion to the effective masses (effective-mass
  approximation: ΔE_CB : ΔE_VB = 1/m_e : 1/m_h; masses in ``data/levels.yaml``).
* **Absolute edges** (versus vacuum) only where a bulk electron affinity is packaged with a source
  (InP, InAs); otherwise the shifts from the bulk edges are given and the absolute values are not.
* **Ligand-dipole shift** (seed 000 §3.2.1): a sheet of N dipoles per area with component μ⊥ along
  the outward normal shifts the potential by ``ΔV = N μ⊥ / (ε₀ ε)`` (Helmholtz); with μ⊥ > 0 for a
  dipole pointing outward (negative end at the surface) the vacuum level outside drops, so the
  edges rise towards vacuum by ``e ΔV``. μ⊥ is the ligand's Gasteiger dipole projected on its
  donor-to-tail axis (RDKit conformer, an estimate); the effective dielectric constant ε of the
  ligand layer is an input (no value is packaged). Brown et al. (ACS Nano 2014, 8, 5863) measured
  shifts of up to 0.9 eV on PbS by UPS.

Examples
--------
>>> round(dipole_shift_eV(1.0, 3.0, 3.0), 3)   # 1 D at 3 per nm², ε = 3
0.377
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nanoligand.errors import InputError
from nanoligand.materials import get
from nanoligand.properties.optics import wavelength_from_size
from nanoligand.tables import load_table

EPS0 = 8.8541878128e-12      # F/m (CODATA 2018)
# Without a user value, the dipole shift is reported over this sweep of effective dielectric constants
# of the ligand layer: a parameter sweep, not data (no value for ε of a ligand layer is packaged).
EPSILON_SWEEP = (2.0, 3.0, 5.0, 10.0)
DEBYE_C_M = 3.33564e-30      # C m per debye
E_CHARGE = 1.602176634e-19   # C (exact)


def dipole_shift_eV(dipole_perp_D: float, density_per_nm2: float, epsilon: float) -> float:
    """Edge shift (eV, positive = towards vacuum) of a dipole sheet (module docstring)."""
    if density_per_nm2 < 0 or not epsilon > 0:
        raise InputError("the density must be non-negative and ε positive")
    return dipole_perp_D * DEBYE_C_M * density_per_nm2 * 1e18 / (EPS0 * epsilon)


def ligand_dipole_perp_D(name_or_smiles: str) -> float:
    """Signed dipole (D) of a ligand along its donor-to-tail axis (positive: pointing outward, i.e.
    negative end at the donor), Gasteiger charges on an extended RDKit conformer (an estimate)."""
    from rdkit import Chem
    from rdkit.Chem import AllChem

    from nanoligand.ligands import ligand
    from nanoligand.ligands.conformer import anti_conformer, ligand_fragment

    lig = ligand(name_or_smiles)
    if not lig.anchors:
        raise InputError(f"{lig.name} has no anchor: no axis to project its dipole on")
    frag, donors = ligand_fragment(lig.mol, tuple(lig.anchors[0].donor_atoms))
    mh = Chem.AddHs(frag)
    heavy = [a.GetIdx() for a in mh.GetAtoms() if a.GetAtomicNum() > 1]
    if not anti_conformer(mh, donors[0]):
        raise InputError(f"no 3D conformer for {lig.name}")
    xyz = np.array(mh.GetConformer().GetPositions())
    AllChem.ComputeGasteigerCharges(mh)
    q = np.array([a.GetDoubleProp("_GasteigerCharge") for a in mh.GetAtoms()])
    if not np.all(np.isfinite(q)):
        raise InputError(f"no Gasteiger charges for {lig.name}")
    q -= q.mean() * (abs(q.sum()) > 1e-6)  # neutralise a charged ligand so its dipole is defined
    mu = (xyz * q[:, None]).sum(axis=0) / 0.20819434  # e·Å -> D
    apex = xyz[donors].mean(axis=0)
    axis = xyz[[i for i in heavy if i not in donors]].mean(axis=0) - apex
    axis /= np.linalg.norm(axis)
    return float(mu @ axis)


@dataclass
class Edges:
    material: str
    diameter_nm: float
    gap_eV: float
    bulk_gap_eV: float
    cb_shift_eV: float | None
    vb_shift_eV: float | None
    cb_eV: float | None          # vs vacuum (negative), where a bulk EA is packaged
    vb_eV: float | None
    method: str
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def band_edges(material: str, diameter_nm: float, curve: str | None = None) -> Edges:
    """Gap, confinement shifts of the band edges and, where possible, absolute edges (module docstring)."""
    mat = get(material)
    if mat.band_gap_eV is None:
        raise InputError(f"no bulk band gap is packaged for {mat.key}")
    size = wavelength_from_size(mat.key, diameter_nm, curve)
    gap = size.energy_eV
    dE = gap - mat.band_gap_eV
    rec = load_table("levels.yaml")["materials"].get(mat.key)
    notes = list(size.warnings)
    sources = [size.source]
    cb = vb = cbs = vbs = None
    method = "gap from the sizing curve"
    if rec and rec.get("m_e") and rec.get("m_h"):
        me, mh = rec["m_e"], rec["m_h"]
        cbs, vbs = dE * mh / (me + mh), -dE * me / (me + mh)
        method += "; split by effective masses (1/m_e : 1/m_h)"
        sources.append(rec["source"])
        if rec.get("EA_eV") is not None:
            cb = -rec["EA_eV"] + cbs
            vb = -rec["EA_eV"] - mat.band_gap_eV + vbs
        else:
            notes.append(f"no cited bulk electron affinity for {mat.key}: absolute edges not given")
    else:
        notes.append(f"no cited effective masses for {mat.key}: the confinement is not split between the bands")
    return Edges(mat.key, diameter_nm, gap, mat.band_gap_eV, cbs, vbs, cb, vb, method, sources, notes)


def dipole_shift_report(name_or_smiles: str, density_per_nm2: float, epsilon: float | None = None) -> dict:
    """The ligand's dipole, its edge shift at ``epsilon`` (or over :data:`EPSILON_SWEEP`), and the
    measured range it should be compared with (``data/levels.yaml``).

    Examples
    --------
    >>> r = dipole_shift_report("4-fluorothiophenol", 3.0, 3.0)
    >>> r["dipole_shift_eV"] < 0    # F at the tail: dipole points inward, edges move away from vacuum
    True
    """
    mu = ligand_dipole_perp_D(name_or_smiles)
    ref = load_table("levels.yaml")["dipole_shift_reference"]
    out = {"ligand": name_or_smiles, "dipole_perp_D": round(mu, 3), "coverage_per_nm2": density_per_nm2,
           "dipole_note": "Helmholtz sheet, estimate; positive = edges towards vacuum; Gasteiger dipole",
           "measured_max_shift_eV": ref["max_shift_eV"], "measured_source": ref["source"]}
    if epsilon is not None:
        out["epsilon"] = epsilon
        out["dipole_shift_eV"] = round(dipole_shift_eV(mu, density_per_nm2, epsilon), 4)
    else:
        out["dipole_shift_eV_by_epsilon"] = {f"{e:g}": round(dipole_shift_eV(mu, density_per_nm2, e), 4)
                                             for e in EPSILON_SWEEP}
    return out


def layers() -> dict[str, dict]:
    return {k: dict(v) for k, v in load_table("levels.yaml")["layers"].items()}
