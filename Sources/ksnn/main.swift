#if canImport(Glibc)
import Glibc
#endif
import KaldiTools

// OpenBLAS starts its worker threads when the library loads, before any code here runs, and
// idle workers spin on the other cores. Tools run one BLAS thread unless the user says
// otherwise (parallelism comes from --nj jobs), so set the variable and start again.
if getenv("OPENBLAS_NUM_THREADS") == nil {
  setenv("OPENBLAS_NUM_THREADS", "1", 1)
  let argv = CommandLine.unsafeArgv
  execv("/proc/self/exe", argv)
  // If exec failed, carry on with the threads as they are.
}

// A reader that goes away (`copy-feats ... ark:- | head`) must give a write error, not a
// silent death by SIGPIPE, so that partial outputs are cleaned up.
signal(SIGPIPE, SIG_IGN)
exit(ToolRegistry.main(CommandLine.arguments))
