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


#: tails written so that the next fragment bonds to their last atom (a valid prefix of a SMILES)
PREFIX_TAILS = ["C", "CC", "CCCC", "CCCCCCCC", "F", "Cl", "Br", "N#C", "[O-][N+](=O)", "CO", "N", "O", "FC(F)(F)",
                "OC(=O)", "[N-]=[N+]=N", "C#C", "C=C", "c1ccccc1", "O=C1C=CC(=O)N1", "O=C1CCC(=O)N1OC(=O)",
                "OCCOCCOCCO", "S", "CC(C)(C)", "C[Si](C)(C)", "CS", "C=CC(=O)O", "C1OC1", "c1nncnn1",
                "C[N+](C)(C)CC", "[O-]S(=O)(=O)CC", "CCCCCCCCCCCCCCCCC", "NC(=O)", "CC(=O)", "NC(=O)N",
                "c1ccncc1", "C1CC1"]
#: a branch on the carbon between linker and anchor ("" = none)
BRANCHES = ["", "C", "CC", "CCC", "C(C)C", "O", "OC", "F", "Cl", "Br", "N", "NC", "N(C)C", "C(=O)O", "C(=O)N",
            "C(=O)C", "C#N", "S", "SC", "c1ccccc1", "C1CC1", "C1CCCCC1", "C(F)(F)F", "OC(=O)C", "NC(=O)C",
            "CO", "CCO", "CN", "CS", "C=C", "C#C", "OCCO", "c1ccncc1", "c1ccoc1", "c1ccsc1", "C[C@H](C)O",
            "[C@@H](C)N", "CCCCCC", "CCCCCCCCCC", "OCCOC", "C(=O)OC", "N=[N+]=[N-]", "[N+](=O)[O-]",
            "S(=O)(=O)C", "P(=O)(OC)OC", "[Si](C)(C)C", "CC(=O)O", "CCN"]


def library_smiles(n: int) -> list[str]:
    """``n`` distinct tail–linker–branch–anchor combinations (36 × 20 × 48 × 30 = 1 036 800 in all), spread over the
    whole space by a fixed stride so that any prefix is diverse; a few per cent are chemically invalid on
    purpose (a screen must count them, not stop)."""
    sizes = (len(PREFIX_TAILS), len(LINKERS), len(BRANCHES), len(ANCHORS))
    total = sizes[0] * sizes[1] * sizes[2] * sizes[3]
    if n > total:
        raise ValueError(f"at most {total} distinct SMILES")
    stride = 1_000_003   # a prime: k ↦ k·stride mod total is a permutation
    out = []
    for k in range(n):
        j = (k * stride) % total
        j, a = divmod(j, sizes[3])
        j, b = divmod(j, sizes[2])
        t, lk = divmod(j, sizes[1])
        branch = f"C({BRANCHES[b]})" if BRANCHES[b] else ""
        out.append(f"{PREFIX_TAILS[t]}{LINKERS[lk]}{branch}{ANCHORS[a]}")
    return out
