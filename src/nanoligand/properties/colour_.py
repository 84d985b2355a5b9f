"""Colour of an emitter: CIE 1931 xy, dominant wavelength, colour purity, distance to Rec.2020, and the
seed-001 QLED records.

An electroluminescence band is a Gaussian in wavelength with the given peak and FWHM, or a measured
spectrum (CSV: wavelength nm, intensity). Chromaticities use colour-science's CIE 1931 2° observer and
its ITU-R BT.2020 colourspace (primaries R 0.708/0.292, G 0.170/0.797, B 0.131/0.046, D65 white,
Recommendation ITU-R BT.2020-2). Colour purity is colour-science's excitation purity against D65.

Examples
--------
>>> c = chromaticity_of_band(638, 36)
>>> round(c.x, 3) > 0.68, c.dominant_nm > 610
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nanoligand.errors import InputError
from nanoligand.tables import load_table

VISIBLE_NM = (360.0, 830.0)


@dataclass(frozen=True)
class Chromaticity:
    x: float
    y: float
    dominant_nm: float
    purity: float
    rec2020_nearest: str
    rec2020_distance: float

    def to_dict(self) -> dict:
        return {k: (round(v, 5) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def gaussian_band(peak_nm: float, fwhm_nm: float, step_nm: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A Gaussian emission band on the visible range (wavelength nm, relative intensity)."""
    if not VISIBLE_NM[0] < peak_nm < VISIBLE_NM[1]:
        raise InputError(f"peak {peak_nm} nm is outside the CIE 1931 tables ({VISIBLE_NM[0]:g}–{VISIBLE_NM[1]:g} nm)")
    if not fwhm_nm > 0:
        raise InputError("the FWHM must be positive")
    wl = np.arange(VISIBLE_NM[0], VISIBLE_NM[1] + step_nm, step_nm)
    sigma = fwhm_nm / (2 * np.sqrt(2 * np.log(2)))
    return wl, np.exp(-0.5 * ((wl - peak_nm) / sigma) ** 2)


def chromaticity(wavelength_nm, intensity) -> Chromaticity:
    """CIE 1931 xy, dominant wavelength and purity of an emission spectrum (module docstring)."""
    import colour

    wl = np.asarray(wavelength_nm, float)
    it = np.asarray(intensity, float)
    if wl.shape != it.shape or wl.ndim != 1 or len(wl) < 3:
        raise InputError("a spectrum needs matching wavelength and intensity columns (at least 3 points)")
    if np.any(np.diff(wl) <= 0):
        raise InputError("wavelengths must increase")
    keep = (wl >= VISIBLE_NM[0]) & (wl <= VISIBLE_NM[1])
    if keep.sum() < 3 or np.max(it[keep]) <= 0:
        raise InputError(f"no emission between {VISIBLE_NM[0]:g} and {VISIBLE_NM[1]:g} nm")
    grid = np.arange(np.ceil(wl[keep][0]), np.floor(wl[keep][-1]) + 1, 1.0)
    values = np.interp(grid, wl, np.clip(it, 0, None))
    sd = colour.SpectralDistribution(dict(zip(grid, values)))
    cmfs = colour.MSDS_CMFS["CIE 1931 2 Degree Standard Observer"]
    XYZ = colour.sd_to_XYZ(sd, cmfs, method="Integration")
    xy = colour.XYZ_to_xy(XYZ)
    white = colour.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D65"]
    dom = colour.dominant_wavelength(xy, white, cmfs)[0]
    purity = min(float(colour.excitation_purity(xy, white, cmfs)), 1.0)
    prim = colour.models.RGB_COLOURSPACE_BT2020.primaries
    d = np.linalg.norm(prim - xy[None, :], axis=1)
    k = int(np.argmin(d))
    return Chromaticity(float(xy[0]), float(xy[1]), float(abs(dom)), purity, "RGB"[k], float(d[k]))


def chromaticity_of_band(peak_nm: float, fwhm_nm: float) -> Chromaticity:
    return chromaticity(*gaussian_band(peak_nm, fwhm_nm))


@lru_cache(maxsize=1)
def qled_records() -> list[dict]:
    """Seed 001 Table 2 (24 rows, ``data/qled_seed001.yaml``) with CIE xy from each EL peak and FWHM
    where both are given."""
    rows = []
    for r in load_table("qled_seed001.yaml")["rows"]:
        row = dict(r)
        if row.get("EL_peak_nm") and row.get("FWHM_nm") and VISIBLE_NM[0] < row["EL_peak_nm"] < VISIBLE_NM[1]:
            c = chromaticity_of_band(row["EL_peak_nm"], row["FWHM_nm"])
            row.update({"cie_x": round(c.x, 4), "cie_y": round(c.y, 4), "dominant_nm": round(c.dominant_nm, 1),
                        "purity": round(c.purity, 3)})
        rows.append(row)
    return rows


def query_qled(color: str | None = None, ligand_class: str | None = None, qd: str | None = None,
               min_eqe: float | None = None) -> list[dict]:
    """Seed-001 QLED records filtered by EL colour, ligand class, QD (substring) and minimum EQE."""
    rows = qled_records()
    classes = sorted({r["class"] for r in rows})
    colours = sorted({r["color"] for r in rows if r["color"]})
    if ligand_class and ligand_class not in classes:
        raise InputError(f"unknown ligand class {ligand_class!r}; classes: {', '.join(classes)}")
    if color and color.capitalize() not in colours:
        raise InputError(f"unknown colour {color!r}; colours: {', '.join(colours)}")
    out = []
    for r in rows:
        if color and (r["color"] or "").lower() != color.lower():
            continue
        if ligand_class and r["class"] != ligand_class:
            continue
        if qd and qd.lower() not in r["qd"].lower():
            continue
        if min_eqe is not None and (r["EQE_pct"] is None or r["EQE_pct"] < min_eqe):
            continue
        out.append(r)
    return out
