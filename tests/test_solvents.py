"""The one solvent module: names, classes and the two packaged tables.

References per test: seed 000 §3.1 Fig. 6 (non-polar / polar / protic-ionic solvents), seed 001 §2 and §3.1
(non-polar hexane/toluene; formamide, DMSO, DMF for inorganic-ligand-capped dots), seed 003 (DMF, NMF,
acetone), seed 004 (CD2Cl2 a polar solvent), IUPAC Glossary of physical organic chemistry (Pure Appl. Chem.
1994, 66, 1077: DMSO the example of a dipolar aprotic solvent), Reichardt's E_T(30) (Chem. Rev. 1994, 94,
2319; data/solvents.yaml) as an independent polarity scale.
"""

from __future__ import annotations

import statistics

import pytest

from nanoligand import solvents as S
from nanoligand.design.context import DesignContext
from nanoligand.errors import InputError
from nanoligand.properties import dispersibility as disp
from nanoligand.tables import load_table


# -- one class per solvent, the same for every consumer ------------------------------------------------------
def test_dispersibility_and_design_give_every_packaged_solvent_the_same_class():
    """Invariant: the dispersibility ranking (and the ``solvents`` CLI's import of it) and the design context
    classify every packaged solvent alike."""
    table = S.solvent_table()
    shown = {r["solvent"]: r["class"] for r in disp.dispersibility("oleic acid", top=len(table)).ranking}
    assert set(shown) == set(table)
    for key, rec in table.items():
        design = DesignContext.create("CdSe", key).solvent_class
        assert shown[key] == design == disp.solvent_class(rec) == S.solvent_class(key), key
        assert design in S.SOLVENT_CLASSES


@pytest.mark.parametrize("cls, solvents, source", [
    ("non-polar", ["hexane", "toluene", "benzene"],
     "seed 000 §3.1: 'non-polar solvents such as benzene, toluene and hexane'; seed 001 §2: hexane, toluene"),
    ("polar", ["ethyl acetate", "butyl acetate", "dichloromethane"],
     "seed 000 §3.1: 'polar solvents such as ethyl acetate and butyl acetate'; seed 004: CD2Cl2 a polar solvent"),
    ("very-polar", ["formamide", "DMSO", "DMF", "acetone"],
     "seed 001 §3.1: MCC-capped QDs in 'polar solvents such as formamide or dimethyl sulfoxide', 'only in highly "
     "polar solvents'; IUPAC 1994: DMSO the dipolar aprotic example; seed 003: DMF and acetone"),
    ("hbond", ["ethanol"], "seed 000 §3.1, Fig. 6: PEG/carboxylate shells (protic/ionic) disperse in ethanol"),
    ("water", ["water", "H2O"], "seed 000 §3.1: water, for PEG longer than 100 units"),
])
def test_each_class_holds_the_solvents_the_literature_puts_there(cls, solvents, source):
    assert {s: S.solvent_class(s) for s in solvents} == {s: cls for s in solvents}, source


def test_classes_follow_reichardt_ET30_independently():
    """Reichardt's E_T(30) scale (data/solvents.yaml) is not used by the rule: on it, protic solvents lie
    above the dipolar aprotic ones (every hbond solvent above every very-polar one) and the class medians
    rise non-polar < polar < very-polar < hbond < water."""
    rows = load_table("solvents.yaml")["solvents"]
    by_class: dict[str, list[float]] = {c: [] for c in S.SOLVENT_CLASSES}
    for key in rows:
        by_class[S.solvent_class(key)].append(S.polarity_ET30_kcal_mol(key))
    assert all(by_class.values())
    assert max(by_class["very-polar"]) < min(by_class["hbond"])
    medians = [statistics.median(by_class[c]) for c in S.SOLVENT_CLASSES]
    assert medians == sorted(medians) and len(set(medians)) == len(medians)


def test_every_class_is_documented_with_a_seed000_category():
    info = S.class_info()
    assert tuple(info) == S.SOLVENT_CLASSES
    assert {v["seed000_category"] for v in info.values()} == {"non-polar", "polar", "protic/ionic"}
    assert all(v["meaning"] and v["source"] for v in info.values())


# -- names ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, key", [
    ("DCM", "Dichloromethane"), ("CHCl3", "Chloroform"), ("THF", "Tetrahydrofuran"), ("water", "Water"),
    ("H2O", "Water"), ("MeCN", "Acetonitrile"), ("acetonitrile", "Acetonitrile"), ("DMF", "N,N-Dimethylformamide"),
    ("EtOH", "Ethanol"), ("hexanes", "n-Hexane"), ("IPA", "2-Propanol"), ("DMSO", "Dimethyl sulfoxide"),
    ("CDCl3", "Chloroform"), ("toluene-d8", "Toluene"), ("CD2Cl2", "Dichloromethane"), ("Et2O", "Diethyl ether"),
])
def test_chemists_names_resolve(name, key):
    assert S.resolve_solvent(name) == key
    assert S.resolve_solvent(f"  {name.upper()} ") == key


def test_unknown_solvent_suggests_close_names():
    with pytest.raises(InputError, match="toluene"):
        S.resolve_solvent("toluenne")


def test_property_table_is_keyed_by_the_hansen_names():
    """data/solvents.yaml holds no aliases of its own: each row is a Hansen-table solvent."""
    rows = load_table("solvents.yaml")["solvents"]
    assert set(rows) <= set(S.solvent_table())
    assert not any("aliases" in r for r in rows.values())


def test_ET30_and_viscosity_by_any_name_and_missing_values_are_errors():
    # data/solvents.yaml: E_T(30) 39.1 (chloroform), η 0.411 mPa·s (dichloromethane)
    assert S.polarity_ET30_kcal_mol("CDCl3") == S.polarity_ET30_kcal_mol("chloroform") == 39.1
    assert S.viscosity_mPas("DCM") == 0.411
    with pytest.raises(InputError, match="E_T"):
        S.polarity_ET30_kcal_mol("heptane")     # a Hansen-table solvent without a packaged E_T(30)
    with pytest.raises(InputError, match="viscosity"):
        S.viscosity_mPas("IPA")                 # row present, viscosity not cited
