import Decoding
import KaldiBase
import KaldiIO

/// `make-lexicon-fst`: the lexicon FST L (AT&T text) of a pronunciation lexicon.
public enum MakeLexiconFst: KaldiTool {
  public static let name = "make-lexicon-fst"
  public static let usage = """
    Write the lexicon FST of lexicon.txt (word phone phone ...) in OpenFst text form with
    symbols, for fstcompile, as Kaldi's utils/make_lexicon_fst.pl: optional silence at the
    start and after each word; --disambig adds #1, #2... to ambiguous pronunciations (as
    add_lex_disambig.pl) and the #0:#0 loop for the grammar's backoff arcs, and writes the
    highest disambiguation number to --write-disambig-count.
    Usage:  make-lexicon-fst [options] <lexicon-rxfilename> <fst-text-wxfilename>
    e.g.: make-lexicon-fst --silence-phone=sil --silence-prob=0.5 --disambig=true lexicon.txt - | fstcompile --isymbols=phones.txt --osymbols=words.txt > L_disambig.fst
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let silence = invocation.option("silence-phone", "", "Optional silence phone (empty: none)")
    let silenceProbability = invocation.option("silence-prob", Float(0.5), "Probability of the optional silence")
    let disambig = invocation.option("disambig", false, "Add disambiguation symbols (for L_disambig.fst)")
    let countFile = invocation.option("write-disambig-count", "", "File to write the highest #N used to")
    let args = try invocation.arguments(2)
    var lexicon = try Lexicon(args[0])
    let highest = disambig.value ? lexicon.addDisambiguationSymbols() : 0
    if !countFile.value.isEmpty {
      let out = try OutputStream.open(countFile.value)
      try out.write("\(highest)\n")
      try out.commit()
    }
    let out = try OutputStream.open(args[1])
    try out.write(lexicon.fstText(silencePhone: silence.value.isEmpty ? nil : silence.value, silenceProbability: silenceProbability.value, withBackoffDisambiguation: disambig.value))
    try out.commit()
    return 0
  }
}
