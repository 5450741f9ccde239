#if canImport(Glibc)
import Glibc
#endif
import KaldiTools

// A reader that goes away (`copy-feats ... ark:- | head`) must give a write error, not a
// silent death by SIGPIPE, so that partial outputs are cleaned up.
signal(SIGPIPE, SIG_IGN)
exit(ToolRegistry.main(CommandLine.arguments))
