"""Expected n-best lists of raw_lat.bin.ark from Kaldi's own code (kaldifst's lattice_to_nbest,
Kaldi's lattice-to-nbest with ShortestPath(n) and ConvertNbestToVector), for LatticeTests.

Run from this folder with the venv of README.md:  python make_nbest.py > nbest5.txt
Each line: <key>-<rank> <graph cost> <acoustic cost> <word-ids...>, at --n=5
--acoustic-scale=0.1 with the acoustic cost scaled back by 1/0.1, as lattice-to-nbest writes it.
"""
import kaldifst

data = open("raw_lat.bin.ark", "rb").read()
pos = 0
while pos < len(data):
    space = data.index(b" ", pos)
    key = data[pos:space].decode()
    # The next entry starts after this FST; find it by reading the FST from a file of the rest.
    rest = data[space + 1:]
    open("/tmp/nbest_one.fst", "wb").write(rest)
    lat = kaldifst.Lattice.read("/tmp/nbest_one.fst")
    for rank, path in enumerate(kaldifst.lattice_to_nbest(lat, acoustic_scale=0.1, n=5), 1):
        ok, ilabels, olabels, w = kaldifst.get_linear_symbol_sequence(path)
        words = " ".join(str(x) for x in olabels if x != 0)
        print(f"{key}-{rank} {w.value1:.4f} {w.value2 / 0.1:.4f} {words}")
    # Re-serialize to learn the entry's length in the archive.
    lat.write("/tmp/nbest_one.fst")
    pos = space + 1 + len(open("/tmp/nbest_one.fst", "rb").read())
