"""Spacing between dots set by the shell, tunnelling coupling, charge-transfer rates and FRET.

* **Ligand extent**: the longest heavy-atom distance of an extended RDKit conformer (nucleus to
  nucleus; 0 for a single atom). **Inter-dot spacing** (surface to surface): two shells that touch,
  ``2 × extent``; fully interdigitated chains (the option) or a ligand that bridges the two dots
  (a dithiol, a metal chalcogenide complex), ``1 × extent``. Seed 001 quotes ligand
  sizes of ~0.1 nm (halides), ~0.5 nm (ethanedithiol), ~0.7 nm (Sn₂S₆⁴⁻) and an MCC inter-particle
  distance of ~0.3 nm.
* **Tunnelling**: relative coupling ``exp(−β d)`` with β from ``data/transport.yaml`` (alkane SAMs
  0.88 Å⁻¹, Engelkes, Beebe, Frisbie, JACS 2004, CP-AFM; oligophenylenes 0.28 Å⁻¹, Bowers et al.,
  J. Phys. Chem. C 2016; PbSe nanocrystal films with alkanedithiols 1.08–1.10 Å⁻¹, Liu et al., Nano
  Lett. 2010, 10, 1960).
* **Marcus** (nonadiabatic): ``k = (2π/ħ) |H|² (4πλk_BT)^(−1/2) exp(−(ΔG° + λ)²/(4λk_BT))``; the
  barrier ``(λ + ΔG°)²/4λ`` is IUPAC's Marcus equation (Gold Book, DOI 10.1351/goldbook.M03702) and
  the prefactor the golden-rule form of Marcus & Sutin (Biochim. Biophys. Acta 1985, 811, 265).
  Points with −ΔG° > λ (inverted region) are flagged: the classical formula is not meant for them
  (quantum vibrational modes matter there, as the Gold Book notes).
* **FRET**: overlap ``J = ∫F_D(λ) ε_A(λ) λ⁴ dλ / ∫F_D(λ) dλ`` (M⁻¹ cm⁻¹ nm⁴), ``R₀ = 0.02108
  (κ² Φ_D n⁻⁴ J)^(1/6)`` nm (IUPAC Gold Book, 'Förster-resonance-energy transfer', DOI
  10.1351/goldbook.FT07381), ``E = 1 / (1 + (r/R₀)⁶)``.

Examples
--------
>>> round(fret_efficiency(5.0, 5.0), 2)
0.5
>>> round(coupling(10.0, "alkane"), 5)    # exp(-0.88 x 10)
0.00015
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nanoligand.errors import InputError
from nanoligand.tables import load_table

HBAR_EV_S = 6.582119569e-16   # eV s (CODATA 2018)
K_B_EV = 8.617333262e-5       # eV/K (CODATA 2018)
FORSTER_NM = 0.02108          # IUPAC Gold Book practical constant, R0 in nm with J in M^-1 cm^-1 nm^4


def ligand_extent_nm(name_or_smiles: str) -> float:
    """Longest heavy-atom distance of the ligand (nm; 0 for one atom), extended conformer."""
    from rdkit import Chem

    from nanoligand.ligands import ligand
    from nanoligand.ligands.conformer import anti_conformer, ligand_fragment

    lig = ligand(name_or_smiles)
    donors = lig.anchors[0].donor_atoms if lig.anchors else ()
    frag, donors = ligand_fragment(lig.mol, tuple(donors))
    if frag.GetNumHeavyAtoms() < 2:
        return 0.0
    mh = Chem.AddHs(frag)
    heavy = [a.GetIdx() for a in mh.GetAtoms() if a.GetAtomicNum() > 1]
    dmat = Chem.GetDistanceMatrix(mh)
    a, b = max(((i, j) for i in heavy for j in heavy), key=lambda p: dmat[p])
    if not anti_conformer(mh, a, b):
        raise InputError(f"no 3D conformer could be built for {lig.name}")
    xyz = np.array(mh.GetConformer().GetPositions())[heavy]
    return float(np.max(np.linalg.norm(xyz[:, None] - xyz[None], axis=2))) / 10.0


def bridges(name_or_smiles) -> bool:
    """Whether one ligand can span two dots: two anchors at opposite ends of the molecule (a dithiol,
    a mercapto acid) or a multidentate anchor with a bridging mode and no tail (a metal chalcogenide
    complex). Takes a name, a SMILES or a :class:`~nanoligand.ligands.Ligand`."""
    from rdkit import Chem

    from nanoligand.ligands import ligand

    lig = ligand(name_or_smiles) if isinstance(name_or_smiles, str) else name_or_smiles
    if any(a.denticity > 2 and "bridging" in a.modes for a in lig.anchors) and not lig.functional.tail_carbon_chain:
        return True
    if len(lig.anchors) < 2:
        return False
    dmat = Chem.GetDistanceMatrix(lig.mol)
    dmat[dmat > 1e6] = -1.0   # RDKit's distance between separate fragments
    longest = float(dmat.max())
    ends = max((float(dmat[np.ix_(a.donor_atoms, b.donor_atoms)].max()) for a in lig.anchors for b in lig.anchors
                if a is not b and a.donor_atoms and b.donor_atoms), default=-1.0)
    return ends >= 0 and ends >= longest - 2


def spacing_nm(name_or_smiles: str, interdigitated: bool = False) -> float:
    """Surface-to-surface spacing of two dots capped by the ligand (module docstring): one extent
    for a ligand that bridges the two dots (:func:`bridges`) or for interdigitated shells, two
    extents for shells that touch."""
    one = bridges(name_or_smiles) or interdigitated
    return (1.0 if one else 2.0) * ligand_extent_nm(name_or_smiles)


def spacing_report(name_or_smiles: str, interdigitated: bool = False, linker: str = "alkane") -> dict:
    """The spacing a ligand sets between two dots and the tunnelling coupling it allows, as a record.

    Examples
    --------
    >>> r = spacing_report("1,2-ethanedithiol")
    >>> r["bridging"], r["spacing_nm"] < 0.7
    (True, True)
    """
    d_nm = spacing_nm(name_or_smiles, interdigitated)
    return {"ligand": name_or_smiles, "extent_nm": round(ligand_extent_nm(name_or_smiles), 3),
            "bridging": bridges(name_or_smiles), "interdigitated": interdigitated, "spacing_nm": round(d_nm, 3),
            "linker": linker, "beta_per_A": beta_per_A(linker), "relative_coupling": coupling(10 * d_nm, linker),
            "note": "estimate: extended RDKit conformer, nucleus to nucleus; coupling relative to contact"}


def donor_acceptor_distance_nm(diameter_nm: float, name_or_smiles: str, geometry: str = "dye",
                               interdigitated: bool = False) -> float:
    """Donor–acceptor distance set by the shell (a geometric estimate).

    ``geometry="dye"``: the QD's centre to an acceptor carried at the end of one ligand,
    ``d/2 + extent``. ``geometry="dots"``: centre to centre of two touching capped dots,
    ``d + spacing``.

    Examples
    --------
    >>> donor_acceptor_distance_nm(4.0, "[Cl-]")   # a bare halide: the radius
    2.0
    """
    if not diameter_nm > 0:
        raise InputError("the diameter must be positive")
    if geometry == "dye":
        return diameter_nm / 2 + ligand_extent_nm(name_or_smiles)
    if geometry == "dots":
        return diameter_nm + spacing_nm(name_or_smiles, interdigitated)
    raise InputError(f"unknown geometry {geometry!r}: 'dye' (acceptor on a ligand) or 'dots' (dot to dot)")


def beta_per_A(linker: str) -> float:
    table = load_table("transport.yaml")["beta"]
    if linker not in table:
        raise InputError(f"unknown linker {linker!r}; known: {', '.join(table)}")
    return float(table[linker]["beta_per_A"])


def coupling(distance_A: float, linker: str = "alkane") -> float:
    """Relative tunnelling coupling exp(−β d) across ``distance_A``."""
    if distance_A < 0:
        raise InputError("a distance cannot be negative")
    return float(np.exp(-beta_per_A(linker) * distance_A))


@dataclass
class MarcusRate:
    dG_eV: np.ndarray
    rate_per_s: np.ndarray
    inverted: np.ndarray


def marcus_rate(dG_eV, reorganisation_eV: float, coupling_eV: float, T_K: float = 298.15) -> MarcusRate:
    """Nonadiabatic Marcus rate (s⁻¹) at driving forces ``dG_eV`` (ΔG° < 0 downhill)."""
    dG = np.atleast_1d(np.asarray(dG_eV, float))
    lam = float(reorganisation_eV)
    if not lam > 0 or not coupling_eV > 0 or not T_K > 0:
        raise InputError("reorganisation energy, coupling and temperature must be positive")
    kT = K_B_EV * T_K
    k = (2 * np.pi / HBAR_EV_S) * coupling_eV ** 2 / np.sqrt(4 * np.pi * lam * kT) * \
        np.exp(-(dG + lam) ** 2 / (4 * lam * kT))
    return MarcusRate(dG, k, -dG > lam)


def overlap_integral(donor_nm, donor_emission, acceptor_nm, acceptor_epsilon_M_cm) -> float:
    """Förster overlap J (M⁻¹ cm⁻¹ nm⁴) of an area-normalised donor emission and the acceptor's
    molar absorption coefficient, on the donor's wavelength grid."""
    wl = np.asarray(donor_nm, float)
    f = np.clip(np.asarray(donor_emission, float), 0, None)
    if wl.shape != f.shape or len(wl) < 3 or np.any(np.diff(wl) <= 0):
        raise InputError("the donor spectrum needs increasing wavelengths and matching intensities")
    if not np.trapezoid(f, wl) > 0:
        raise InputError("the donor emission has no area")
    eps = np.interp(wl, np.asarray(acceptor_nm, float), np.asarray(acceptor_epsilon_M_cm, float), left=0, right=0)
    return float(np.trapezoid(f * eps * wl ** 4, wl) / np.trapezoid(f, wl))


def forster_radius_nm(J: float, quantum_yield: float, refractive_index: float, kappa2: float = 2.0 / 3.0) -> float:
    """R₀ (nm) from the overlap J, the donor quantum yield, the medium's refractive index and κ²
    (2/3: isotropic averaging)."""
    if not J > 0 or not 0 < quantum_yield <= 1 or not refractive_index > 0 or not kappa2 >= 0:
        raise InputError("J > 0, 0 < quantum yield ≤ 1, refractive index > 0 and κ² ≥ 0 are required")
    return FORSTER_NM * (kappa2 * quantum_yield * refractive_index ** -4 * J) ** (1 / 6)


def fret_efficiency(distance_nm, R0_nm: float):
    """E = 1 / (1 + (r/R₀)⁶)."""
    r = np.asarray(distance_nm, float)
    if np.any(r < 0) or not R0_nm > 0:
        raise InputError("distances must be non-negative and R0 positive")
    out = 1.0 / (1.0 + (r / R0_nm) ** 6)
    return float(out) if out.ndim == 0 else out
