#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiTools

// A reader that goes away (`copy-feats ... ark:- | head`) must give a write error, not a
// silent death by SIGPIPE, so that partial outputs are cleaned up.
signal(SIGPIPE, SIG_IGN)
// Arguments are byte strings (file names and keys in any encoding), as everything ksnn reads.
exit(ToolRegistry.main(ByteString.commandLine))
