import Foundation
import Testing
import TestSupport

/// The single-node Slurm cluster that `make test` runs the suite in
/// (`recipes/utils/slurm/local_cluster.sh run ...`, which exports SLURM_CONF), or one started by
/// hand with that script; nil, with the reason printed, when none takes jobs. The tests never
/// start the daemons themselves: the script that did stayed a zombie its Process never saw end
/// (the daemons it left keep what Foundation watches for the exit), and the suite hung in CI.
enum LocalSlurm {
  static let conf: String? = {
    let conf = ProcessInfo.processInfo.environment["SLURM_CONF"] ?? "/tmp/ksnn-slurm/slurm.conf"
    guard FileManager.default.fileExists(atPath: conf) else {
      print("LocalSlurm: no Slurm cluster (run the suite through `make test`, or start recipes/utils/slurm/local_cluster.sh), slurm.pl tests skipped")
      return nil
    }
    let state = try? Ksnn.sh("SLURM_CONF=\(conf) timeout 20 sinfo -h -o %T | head -1", in: NSTemporaryDirectory())
    let node = state.map { $0.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    guard ["idle", "mixed", "allocated"].contains(node) else {
      print("LocalSlurm: the Slurm node of \(conf) takes no jobs (state '\(node)': \(state?.stderr ?? "")), slurm.pl tests skipped")
      return nil
    }
    return conf
  }()

  static var available: Bool { conf != nil }
}

/// utils/run.pl and utils/slurm.pl keep one contract (Kaldi's): job arrays with JOB in log
/// names and commands, logs that start with the command and end with "# Ended (code N)", the
/// exit status, the failure summary, and --max-jobs-run (both spellings). slurm.pl runs them on
/// a real Slurm.
@Suite(.serialized, .tags(.recipe)) struct JobDispatchTests {
  func sh(_ script: String, in dir: String, slurm: Bool) throws -> ToolRun {
    let env = slurm ? "export SLURM_CONF=\(LocalSlurm.conf ?? "")\n" : ""
    try "export LC_ALL=C U=\(RecipeScriptTests.utils)\n\(env)\(script)\n".write(toFile: dir + "/job.sh", atomically: true, encoding: .utf8)
    // A dispatcher that waits forever (a cluster that takes jobs and never runs them) fails the test instead.
    return try Ksnn.sh("timeout 300 bash job.sh", in: dir)
  }

  func workspace() throws -> String {
    let dir = NSTemporaryDirectory() + "ksnn-jobs-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  func checkJobArraysLogsAndExitStatus(_ tool: String) throws {
    let dir = try workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let slurm = tool == "slurm.pl"
    let ok = try sh("$U/\(tool) JOB=1:3 log/echo.JOB.log echo job JOB \\| tr a-z A-Z", in: dir, slurm: slurm)
    #expect(ok.status == 0, "\(ok.stderr)")
    for j in 1...3 {
      let log = try read(dir + "/log/echo.\(j).log")
      #expect(log.hasPrefix("# echo job \(j) | tr a-z A-Z"))
      #expect(log.contains("\nJOB \(j)\n") && log.contains("# Ended (code 0)"), "\(log)")
    }
    let bad = try sh("$U/\(tool) JOB=1:2 log/f.JOB.log test JOB -eq 1", in: dir, slurm: slurm)
    #expect(bad.status == 1 && bad.stderr.contains("\(tool): 1 / 2 failed, log is in log/f.*.log"), "\(bad.stderr)")
    #expect(try read(dir + "/log/f.2.log").contains("# Ended (code 1)"))
    // A single job, no array; its status is the command's, a pipeline fails when any part does.
    let single = try sh("$U/\(tool) log/one.log false \\| cat", in: dir, slurm: slurm)
    #expect(single.status == 1 && single.stderr.contains("\(tool): job failed, log is in log/one.log"))
    // --max-jobs-run 1 (and --max-jobs-run=1): a job fails if it finds another one running.
    let exclusive = "bash -c 'mkdir lock || exit 3; sleep 0.5; rmdir lock'"
    for option in ["--max-jobs-run 1", "--max-jobs-run=1"] {
      let one = try sh("$U/\(tool) \(option) JOB=1:3 log/x.JOB.log \(exclusive)", in: dir, slurm: slurm)
      #expect(one.status == 0, "\(option): \(one.stderr)")
    }
    // Without the limit run.pl's jobs overlap (Slurm's may wait for a free core: other tests
    // use the same cluster).
    if !slurm {
      let all = try sh("$U/\(tool) JOB=1:2 log/y.JOB.log \(exclusive)", in: dir, slurm: slurm)
      #expect(all.status == 1, "two jobs never overlapped")
    }
  }

  @Test func runPlRunsJobArraysWithKaldiLogsAndExitStatus() throws {
    try checkJobArraysLogsAndExitStatus("run.pl")
  }

  @Test(.enabled(if: LocalSlurm.available, "a single-node Slurm could not start (the reason is printed)"))
  func slurmPlKeepsRunPlsContractOnRealSlurm() throws {
    try checkJobArraysLogsAndExitStatus("slurm.pl")
    // Each task was a task of one job array of two, with the cores asked for, and its script
    // beside the logs. (JOB is replaced everywhere in the command, as Kaldi does: hence no
    // SLURM_ARRAY_JOB_ID here.)
    let dir = try workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try sh("$U/slurm.pl --num-threads 2 JOB=1:2 log/env.JOB.log bash -c 'echo $SLURM_ARRAY_TASK_COUNT $SLURM_CPUS_PER_TASK'", in: dir, slurm: true)
    #expect(run.status == 0, "\(run.stderr)")
    let (a, b) = (try read(dir + "/log/env.1.log"), try read(dir + "/log/env.2.log"))
    let ids = [a, b].map { $0.split(separator: "\n")[3] }
    #expect(ids == ["2 2", "2 2"], "\(ids)")
    #expect(a.contains("# Accounting: time=") && a.contains("threads=2"))
    #expect(FileManager.default.fileExists(atPath: dir + "/log/q/env.sh"))
  }
}
