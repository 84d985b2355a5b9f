"""A reproducible set of ligand-like SMILES for benchmarks: anchors x linkers x tails (no network)."""

from __future__ import annotations

import itertools

ANCHORS = ["C(=O)O", "C(=O)[O-]", "S", "[S-]", "N", "P(=O)(O)O", "P(=O)([O-])[O-]", "[NH3+]", "[N+](C)(C)C",
           "C(=O)NO", "c1cc(O)c(O)cc1", "[Si](OCC)(OCC)OCC", "[Si](Cl)(Cl)Cl", "C=C", "C#C", "S(=O)(=O)O",
           "P(CCCC)CCCC", "P(=O)(CCCC)CCCC", "NC(=S)[S-]", "OC(=S)[S-]", "c1ccncc1", "OP(=O)(O)O", "SSC",
           "n1ccnc1", "c1ccsc1", "O", "NC", "N(C)C", "C(=O)NO", "c1ccc(cc1)[N+]#N"]
LINKERS = ["", "C", "CC", "CCC", "CCCCC", "CCCCCCCCCCC", "c1ccc(cc1)", "/C=C/c1ccc(cc1)", "CCOCCOCC", "CC(C)C",
           "C[C@H](N)", "CCCCCCCC/C=C\\CCCCCCC", "C(F)(F)C(F)(F)", "CC(=O)OCC", "CCNC(=O)CC", "C1CCC(CC1)",
           "CCSCC", "CCC(O)CC", "c1ccc2ccccc2c1", "CC#CC#CC"]
TAILS = ["C", "CC", "CCCC", "CCCCCCCC", "F", "Cl", "Br", "C#N", "[N+](=O)[O-]", "OC", "N", "O", "C(F)(F)F",
         "C(=O)O", "N=[N+]=[N-]", "C#C", "C=C", "c1ccccc1", "N1C(=O)C=CC1=O", "C(=O)ON1C(=O)CCC1=O",
         "OCCOCCOCCO", "S", "C(C)(C)C", "[Si](C)(C)C", "SC", "OC(=O)C=C", "C1OC1", "c1nncnn1", "CC[N+](C)(C)C",
         "CCS(=O)(=O)[O-]", "CCCCCCCCCCCCCCCCC", "C(=O)N", "C(=O)C", "NC(=O)N", "c1ccncc1", "C1CC1"]


def ligand_smiles(n: int = 20000) -> list[str]:
    """The first ``n`` anchor-linker-tail combinations (30 x 20 x 36 = 21 600 in all)."""
    out = []
    for anchor, linker, tail in itertools.product(ANCHORS, LINKERS, TAILS):
        out.append(f"{tail}{linker}{anchor}" if anchor[0] not in "c" else f"{tail}{linker}{anchor}")
        if len(out) == n:
            break
    return out
