#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiTools

// OpenBLAS starts its worker threads when the library loads, before any code here runs, and
// idle workers spin on the other cores. Tools run one BLAS thread unless the user says
// otherwise (parallelism comes from --nj jobs), so set the variable and start again; only
// tools that use BLAS pay for the second start (pipelines of small tools would double their
// start-up time).
//
// OpenBLAS 0.3.21 (Debian 12) picks its kernels from the CPU model and falls back to the SSE3
// "Prescott" kernels on CPUs it does not know (virtual machines report generic models), which
// runs sgemm at a third of the speed of its AVX-512 kernels. Choose from the feature flags.
func openBLASCoreType() -> String? {
  guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 8192)
  while fgets(&line, Int32(line.count), file) != nil {
    let text = String(cString: line)
    guard text.hasPrefix("flags") else { continue }
    let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
    if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl"]) { return "SkylakeX" }
    if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
    return nil
  }
  return nil
}

if ToolRegistry.tool(for: ByteString.commandLine)?.usesBLAS == true,
  getenv("OPENBLAS_NUM_THREADS") == nil || getenv("OPENBLAS_CORETYPE") == nil
{
  if getenv("OPENBLAS_NUM_THREADS") == nil { setenv("OPENBLAS_NUM_THREADS", "1", 1) }
  // An empty value marks "decided" so that the re-executed process does not loop.
  if getenv("OPENBLAS_CORETYPE") == nil { setenv("OPENBLAS_CORETYPE", openBLASCoreType() ?? "", 1) }
  let argv = CommandLine.unsafeArgv
  execv("/proc/self/exe", argv)
  // If exec failed, carry on with the threads as they are.
}

// A reader that goes away (`copy-feats ... ark:- | head`) must give a write error, not a
// silent death by SIGPIPE, so that partial outputs are cleaned up.
signal(SIGPIPE, SIG_IGN)
// Arguments are byte strings (file names and keys in any encoding), as everything ksnn reads.
exit(ToolRegistry.main(ByteString.commandLine))
