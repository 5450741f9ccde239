#!/usr/bin/env python3
"""Make Kaldi-lattice oracle fixtures with Kaldi/OpenFst code from PyPI
(kaldifst 1.8.3, kaldi-decoder 0.3.2; kaldi-hmm-gmm 1.1.4 only inspected).

usage: make_latfix.py OUTDIR
  reads  ../shared/fixtures/kaldi-tri3/{final.mdl,HCLG.fst,loglikes.ark}
         (override with env TRI3=DIR) and ../shared/tools/kaldi_model.py
  writes OUTDIR/format/*   tiny hand-made Lattice as Kaldi archives (text + binary)
         OUTDIR/decode/*   LatticeSimpleDecoder output on 6 tri3 utterances
         OUTDIR/api.txt    lattice-relevant API of kaldifst / kaldi_decoder / kaldi_hmm_gmm

Everything written is deterministic (no timings in files)."""
import os, struct, sys, pydoc

# NOTE: kaldi_hmm_gmm must be imported BEFORE kaldifst / kaldi_decoder:
# importing it after either of them hangs forever (observed with 1.1.4 + 1.8.3).
import kaldi_hmm_gmm as H
import kaldifst as kf
import kaldi_decoder as kd
import kaldiio
import numpy as np

TRI3 = os.environ.get("TRI3", "../shared/fixtures/kaldi-tri3")
sys.path.insert(0, os.environ.get("SHARED_TOOLS", "../shared/tools"))
from kaldi_model import read_transition_model  # noqa: E402

ACWT, BEAM, LATBEAM = 0.1, 13.0, 8.0


# ---------------------------------------------------------------- helpers
def lat_text(lat):
    """FstPrinter output exactly as Kaldi's LatticeHolder::Write(text) calls it:
    acceptor=false, write_one=false, field separator TAB."""
    return lat.to_str(is_acceptor=False, show_weight_one=False, fst_field_separator="\t")


def lat_bytes(lat, tmp):
    """OpenFst binary form (VectorFst::Write) = what LatticeHolder::Write(binary) emits."""
    assert lat.write(tmp)
    with open(tmp, "rb") as f:
        b = f.read()
    os.remove(tmp)
    return b


def write_text_ark(path, items):
    # TableWriter writes "key " then LatticeHolder::Write(text): '\n' + printer + '\n'
    with open(path, "w") as f:
        for key, lat in items:
            f.write(key + " \n" + lat_text(lat) + "\n")


def write_bin_ark(path, items, tmp):
    # TableWriter writes "key " then LatticeHolder::Write(binary): the bare FST
    # (NO "\0B" marker: the reader peeks for the FST magic's first byte 0xD6 = 214)
    with open(path, "wb") as f:
        for key, lat in items:
            f.write(key.encode() + b" " + lat_bytes(lat, tmp))


def parse_lattice_text(txt):
    """-> start, arcs{s:[(d,i,o,g,a)]}, finals{s:(g,a)}; first line's source is the start."""
    arcs, finals, start = {}, {}, None
    for line in txt.splitlines():
        f = line.split("\t")
        if not f or f == [""]:
            continue
        s = int(f[0])
        if start is None:
            start = s
        if len(f) >= 4:
            g, a = (map(float, f[4].split(","))) if len(f) == 5 else (0.0, 0.0)
            arcs.setdefault(s, []).append((int(f[1]), int(f[2]), int(f[3]), g, a))
        else:
            g, a = (map(float, f[1].split(","))) if len(f) == 2 else (0.0, 0.0)
            finals[s] = (g, a)
    return start, arcs, finals


def parse_lattice_binary(b):
    """Exact float32 weights from the OpenFst binary form -> start, arcs, finals (as parse_lattice_text)."""
    h = parse_header(b)
    assert h["arc_type"] == "lattice4", h
    p, arcs, finals = h["header_len"], {}, {}
    for s in range(h["num_states"]):
        fg, fa, na = struct.unpack_from("<ffq", b, p); p += 16
        if not (fg == float("inf") and fa == float("inf")):
            finals[s] = (fg, fa)
        for _ in range(na):
            il, ol, g, a, d = struct.unpack_from("<iiffi", b, p); p += 20
            arcs.setdefault(s, []).append((d, il, ol, g, a))
    return h["start"], arcs, finals


def linear_path(lat):
    """Follow a linear lattice (ShortestPath output): ilabels, olabels, sum g, sum a
    (float64 sums of the exact float32 arc weights, read from the binary form)."""
    start, arcs, finals = parse_lattice_binary(lat_bytes(lat, "/tmp/.latfix_tmp.fst"))
    il, ol, g, a, s = [], [], 0.0, 0.0, start
    while s in arcs:
        assert len(arcs[s]) == 1, "not linear"
        d, i, o, wg, wa = arcs[s][0]
        if i: il.append(i)
        if o: ol.append(o)
        g += wg; a += wa; s = d
    fg, fa = finals[s]
    return il, ol, g + fg, a + fa


def parse_header(b):
    """OpenFst FstHeader (little endian)."""
    p = 0
    magic, = struct.unpack_from("<i", b, p); p += 4
    n, = struct.unpack_from("<i", b, p); p += 4
    fst_type = b[p:p + n].decode(); p += n
    n, = struct.unpack_from("<i", b, p); p += 4
    arc_type = b[p:p + n].decode(); p += n
    version, flags = struct.unpack_from("<ii", b, p); p += 8
    props, = struct.unpack_from("<Q", b, p); p += 8
    start, nstates, narcs = struct.unpack_from("<qqq", b, p); p += 24
    return dict(magic=magic, fst_type=fst_type, arc_type=arc_type, version=version,
                flags=flags, properties=props, start=start, num_states=nstates,
                num_arcs=narcs, header_len=p)


PROP_NAMES = [(0x1, "kExpanded"), (0x2, "kMutable"), (0x4, "kError"), (0x10000, "kAcceptor"),
              (0x20000, "kNotAcceptor"), (0x40000, "kIDeterministic"), (0x80000, "kNonIDeterministic"),
              (0x100000, "kODeterministic"), (0x200000, "kNonODeterministic"), (0x400000, "kEpsilons"),
              (0x800000, "kNoEpsilons"), (0x1000000, "kIEpsilons"), (0x2000000, "kNoIEpsilons"),
              (0x4000000, "kOEpsilons"), (0x8000000, "kNoOEpsilons"), (0x10000000, "kILabelSorted"),
              (0x20000000, "kNotILabelSorted"), (0x40000000, "kOLabelSorted"), (0x80000000, "kNotOLabelSorted"),
              (0x100000000, "kWeighted"), (0x200000000, "kUnweighted"), (0x400000000, "kCyclic"),
              (0x800000000, "kAcyclic"), (0x1000000000, "kInitialCyclic"), (0x2000000000, "kInitialAcyclic"),
              (0x4000000000, "kTopSorted"), (0x8000000000, "kNotTopSorted"), (0x10000000000, "kAccessible"),
              (0x20000000000, "kNotAccessible"), (0x40000000000, "kCoAccessible"), (0x80000000000, "kNotCoAccessible"),
              (0x100000000000, "kString"), (0x200000000000, "kNotString"), (0x400000000000, "kWeightedCycles"),
              (0x800000000000, "kUnweightedCycles")]


def prop_str(p):
    return "|".join(n for bit, n in PROP_NAMES if p & bit)


def annotated_dump(b):
    """Field-by-field description of a binary Lattice (lattice4 arcs)."""
    h = parse_header(b)
    out = [f"header: magic=0x{h['magic'] & 0xffffffff:08x} fst_type={h['fst_type']!r} arc_type={h['arc_type']!r} "
           f"version={h['version']} flags={h['flags']} properties=0x{h['properties']:016x} ({prop_str(h['properties'])}) "
           f"start={h['start']} num_states={h['num_states']} num_arcs={h['num_arcs']} (header is {h['header_len']} bytes)"]
    p = h["header_len"]
    for s in range(h["num_states"]):
        fg, fa, na = struct.unpack_from("<ffq", b, p)
        out.append(f"  @0x{p:04x} state {s}: final=({fg:g},{fa:g}) [2 x float32] num_arcs={na} [int64]")
        p += 16
        for _ in range(na):
            il, ol, g, a, d = struct.unpack_from("<iiffi", b, p)
            out.append(f"    @0x{p:04x} arc ilabel={il} olabel={ol} weight=({g:g},{a:g}) nextstate={d}  [int32,int32,float32,float32,int32]")
            p += 20
    out.append(f"  end at 0x{p:04x} = {len(b)} bytes")
    return "\n".join(out)


def xxd(b, base=0):
    lines = []
    for i in range(0, len(b), 16):
        chunk = b[i:i + 16]
        hx = " ".join(chunk[j:j + 2].hex() for j in range(0, len(chunk), 2))
        asc = "".join(chr(c) if 32 <= c < 127 else "." for c in chunk)
        lines.append(f"{base + i:08x}: {hx:<39}  {asc}")
    return "\n".join(lines)


# ---------------------------------------------------------------- 1. format samples
def make_format(out):
    os.makedirs(out, exist_ok=True)
    W = kf.LatticeWeight
    # tiny lattice: ilabels = transition-ids, olabels = words, weights (graph, acoustic)
    lat = kf.Lattice()
    for _ in range(4):
        lat.add_state()
    lat.start = 0
    lat.add_arc(0, kf.LatticeArc(5, 12, W(1.5, 30.25), 1))           # tid 5, word 12
    lat.add_arc(1, kf.LatticeArc(7, 0, W(0.0, 0.0), 2))              # tid 7, eps, weight One
    lat.add_arc(2, kf.LatticeArc(9, 4, W(0.1234567, 1234.5678), 3))  # tid 9, word 4, >6 digits
    lat.set_final(3, W(0.0, 0.0))                                    # final One
    # variant: non-One final weight, an alternative arc and an arc with -0.0195312-like small value
    lat2 = kf.Lattice()
    for _ in range(3):
        lat2.add_state()
    lat2.start = 0
    lat2.add_arc(0, kf.LatticeArc(5, 12, W(-0.01953125, 2.0 / 3.0), 1))
    lat2.add_arc(0, kf.LatticeArc(6, 13, W(1e-7, 123456789.0), 1))
    lat2.add_arc(1, kf.LatticeArc(0, 0, W(2.5, 0.0), 2))             # epsilon:epsilon arc
    lat2.set_final(1, W(0.5, 0.0))                                   # final graph cost only
    lat2.set_final(2, W(0.0, 0.0))
    items = [("utt1", lat), ("utt2", lat2)]
    write_text_ark(os.path.join(out, "lat.txt.ark"), items)
    write_bin_ark(os.path.join(out, "lat.bin.ark"), items, os.path.join(out, ".tmp.fst"))
    # the bare FST of utt1 (= single-file form, e.g. what `lattice-copy ark:- -` cannot give, but
    # what fst.Write gives) and annotated dumps
    b1 = lat_bytes(lat, os.path.join(out, ".tmp.fst"))
    b2 = lat_bytes(lat2, os.path.join(out, ".tmp.fst"))
    with open(os.path.join(out, "lat.bin.ark.xxd"), "w") as f:
        with open(os.path.join(out, "lat.bin.ark"), "rb") as g:
            f.write(xxd(g.read()) + "\n")
    with open(os.path.join(out, "lat.bin.annotated.txt"), "w") as f:
        f.write("utt1 (archive bytes: 'utt1 ' then these bytes)\n" + annotated_dump(b1) + "\n\n")
        f.write("utt2\n" + annotated_dump(b2) + "\n")
    with open(os.path.join(out, "printer_variants.txt"), "w") as f:
        for name, l in items:
            f.write(f"== {name}: to_str(show_weight_one=False, sep=TAB) [Kaldi archive form]\n{lat_text(l)!r}\n")
            f.write(f"== {name}: to_str(show_weight_one=True, sep=TAB) [NOT what Kaldi writes]\n"
                    f"{l.to_str(show_weight_one=True, fst_field_separator=chr(9))!r}\n")
            f.write(f"== {name}: to_str() kaldifst default separator (6 spaces) [NOT Kaldi]\n{l.to_str()!r}\n")
        inf = W(float("inf"), float("inf"))
        f.write(f"== str(LatticeWeight.zero()) via kaldifst: {str(kf.LatticeWeight.zero)!r};"
                f" str(W(inf,inf)): {str(inf)!r} (pybind __str__, not Kaldi's operator<< which prints Infinity)\n")
        # shortest path of lat2 (real OpenFst ShortestPath on lattice4)
        sp = kf.shortest_path(lat2)
        f.write(f"== shortest_path(utt2):\n{lat_text(sp)!r}\n")


# ---------------------------------------------------------------- 2. decoding
def make_decode(out):
    os.makedirs(out, exist_ok=True)
    m = read_transition_model(os.path.join(TRI3, "final.mdl"))
    tid2pdf = np.array([0] + [x["pdf"] for x in m["tids"][1:]], dtype=np.int64)
    fst = kf.StdConstFst.read(os.path.join(TRI3, "HCLG.fst"))
    cfg = kd.LatticeSimpleDecoderConfig(beam=BEAM, lattice_beam=LATBEAM)
    log = [f"# kaldi_decoder {kd.__version__} LatticeSimpleDecoder {cfg}",
           f"# acoustic scale {ACWT}: DecodableCtc over a per-transition-id matrix = {ACWT} * loglikes[:, pdf(tid)]",
           "# (= Kaldi DecodableMatrixScaledMapped); raw lattices written with acoustic costs x 1/acwt,"
           " as latgen-faster-mapped --determinize-lattice=false does"]
    words_f = open(os.path.join(out, "onebest_words.int"), "w")
    ali_f = open(os.path.join(out, "onebest_ali.txt"), "w")
    cost_f = open(os.path.join(out, "onebest_costs.txt"), "w")
    cost_f.write("# utt frames graph_cost acoustic_cost_scaled(acwt*ac) acoustic_cost_unscaled(ac) total_scaled"
                 "  [from LatticeSimpleDecoder.get_best_path; costs = -log]\n")
    lmwt_f = open(os.path.join(out, "lmwt_bestpath.txt"), "w")
    lmwt_f.write("# utt LMWT graph_cost acoustic_cost(unscaled) total(=graph+ac/LMWT) : words\n"
                 "# = shortest_path(scale_lattice([[1,0],[0,1/LMWT]], RAW lattice)) with kaldifst (OpenFst ShortestPath on lattice4)\n")
    lmwt_txt = {k: open(os.path.join(out, f"lmwt{k}.words.int"), "w") for k in range(1, 11)}
    raw_items = []
    for utt, mat in kaldiio.load_ark(os.path.join(TRI3, "loglikes.ark")):
        mat = np.asarray(mat, dtype=np.float32)
        per_tid = np.ascontiguousarray(ACWT * mat[:, tid2pdf[1:]], dtype=np.float32)
        dec = kd.LatticeSimpleDecoder(fst, cfg)
        ok = dec.decode(kd.DecodableCtc(per_tid))
        assert ok, utt
        ok, bp = dec.get_best_path()
        ali, words, g, a = linear_path(bp)
        words_f.write(utt + ("" if not words else " " + " ".join(map(str, words))) + "\n")
        ali_f.write(utt + " " + " ".join(map(str, ali)) + "\n")
        cost_f.write(f"{utt} {mat.shape[0]} {g:.6f} {a:.6f} {a / ACWT:.5f} {g + a:.6f}\n")
        log.append(f"{utt}: {mat.shape[0]} frames, best path graph {g:.4f} + ac {a:.4f} (scaled), "
                   f"log-like per frame {-(g + a) / mat.shape[0]:.6g}")
        ok, raw = dec.get_raw_lattice()
        assert ok
        kf.scale_lattice(kf.lattice_scale(1.0, 1.0 / ACWT), raw)   # undo acoustic scale (latgen does this)
        raw_items.append((utt, raw))
        st, arcs, fin = parse_lattice_text(lat_text(raw))
        log.append(f"  raw lattice: {raw.num_states} states, {sum(len(v) for v in arcs.values())} arcs, {len(fin)} final states")
        for k in range(1, 11):
            sc = raw.copy()
            kf.scale_lattice(kf.lattice_scale(1.0, 1.0 / k), sc)
            sp = kf.shortest_path(sc)
            _, w, sg, sa = linear_path(sp)
            lmwt_f.write(f"{utt} {k} {sg:.5f} {sa * k:.4f} {sg + sa:.5f} : {' '.join(map(str, w))}\n")
            lmwt_txt[k].write(utt + ("" if not w else " " + " ".join(map(str, w))) + "\n")
    for f in [words_f, ali_f, cost_f, lmwt_f, *lmwt_txt.values()]:
        f.close()
    write_text_ark(os.path.join(out, "raw_lat.txt.ark"), raw_items)
    write_bin_ark(os.path.join(out, "raw_lat.bin.ark"), raw_items, os.path.join(out, ".tmp.fst"))
    # self-check: at LMWT = 1/acwt the raw-lattice best path must be the decoder's best path
    a = open(os.path.join(out, "onebest_words.int")).read()
    b = open(os.path.join(out, "lmwt10.words.int")).read()
    log.append("check: lmwt10.words.int == onebest_words.int: " + str(a == b))
    with open(os.path.join(out, "decode.log"), "w") as f:
        f.write("\n".join(log) + "\n")
    print("\n".join(log))


# ---------------------------------------------------------------- 3. API listing
def make_api(path):
    import re
    out = []
    mods = [("kaldifst", kf), ("kaldifst.lib._kaldifst", sys.modules["kaldifst.lib._kaldifst"]),
            ("kaldi_decoder", kd), ("kaldi_hmm_gmm", H)]
    for name, mod in mods:
        out.append(f"################ {name} {getattr(mod, '__version__', '')}")
        out.append("names: " + " ".join(n for n in dir(mod) if not n.startswith("__")))
    interesting = ["Lattice", "LatticeWeight", "LatticeArc", "StdConstFst", "StdVectorFst", "shortest_path",
                   "scale_lattice", "lattice_scale", "determinize", "determinize_star", "convert_nbest_to_vector",
                   "get_linear_symbol_sequence", "lattice_to_nbest", "compose", "rmepsilon", "reverse",
                   "VectorFstWriter", "SequentialVectorFstReader", "RandomAccessVectorFstReader", "times", "plus",
                   "divide", "info"]
    for n in interesting:
        out.append(f"==== kaldifst.{n}\n" + pydoc.render_doc(getattr(kf, n), renderer=pydoc.plaintext))
    for n in ["LatticeSimpleDecoder", "LatticeSimpleDecoderConfig", "FasterDecoder", "FasterDecoderOptions",
              "SimpleDecoder", "DecodableCtc", "DecodableInterface"]:
        out.append(f"==== kaldi_decoder.{n}\n" + pydoc.render_doc(getattr(kd, n), renderer=pydoc.plaintext))
    for n in ["LatticeFasterDecoder", "LatticeFasterDecoderStdConstFst", "LatticeFasterDecoderStdVectorFst",
              "LatticeFasterDecoderConfig", "DeterminizeLatticePhonePrunedOptions", "LatticeSimpleDecoder",
              "LatticeSimpleDecoderConfig", "decode_utterance_lattice_faster", "decode_utterance_lattice_simple",
              "DecodableCtc", "DecodableAmDiagGmmScaled", "TransitionModel"]:
        out.append(f"==== kaldi_hmm_gmm.{n}\n" + pydoc.render_doc(getattr(H, n), renderer=pydoc.plaintext))
    txt = "\n".join(out)
    txt = re.sub(r" method of builtins\.pybind11_detail_function_record\S* instance", "", txt)
    txt = re.sub(r" at 0x[0-9a-f]+", "", txt)   # object addresses in defaults
    with open(path, "w") as f:
        f.write(txt + "\n")


def main():
    if len(sys.argv) != 2:
        print(__doc__); return 1
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    make_format(os.path.join(out, "format"))
    make_decode(os.path.join(out, "decode"))
    make_api(os.path.join(out, "api_full.txt"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
