#if canImport(Glibc)
import Glibc
#endif
import AcousticModels
import CMPI
import KaldiBase

/// The ranks of an `mpirun` job (MPI_COMM_WORLD) as the data-parallel group training sums over.
public final class MPIProcessGroup: ProcessGroup {
  public let rank: Int
  public let size: Int

  /// Whether this process was started by `mpirun` (Open MPI or PMIx tell each rank its place in
  /// the environment); a process started on its own trains alone, without initialising MPI.
  public static var isLaunchedByMPI: Bool {
    let names: [String] = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]
    return names.contains { getenv($0) != nil }
  }

  /// Loads Open MPI and initialises it (once per process); `finalize()` ends it.
  public init() throws(KaldiError) {
    guard ksnn_mpi_init() == 0 else { throw KaldiError(String(cString: ksnn_mpi_error())) }
    (rank, size) = (Int(ksnn_mpi_rank()), Int(ksnn_mpi_size()))
  }

  public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
    check(values.isEmpty ? 0 : ksnn_mpi_sum_doubles(values.baseAddress, Int32(values.count)))
  }

  public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
    check(values.isEmpty ? 0 : ksnn_mpi_sum_floats(values.baseAddress, Int32(values.count)))
  }

  public func extremes(_ low: inout Float, _ high: inout Float) {
    check(ksnn_mpi_min_floats(&low, 1))
    check(ksnn_mpi_max_floats(&high, 1))
  }

  /// Ends MPI; every rank calls it before exiting.
  public func finalize() { ksnn_mpi_finalize() }

  /// Stops every rank: one rank's error must not leave the others waiting in a reduction.
  public func abort(status: Int32) { ksnn_mpi_abort(status) }

  private func check(_ status: Int32) {
    // MPI's default error handler aborts the job before a failed reduction returns; a custom
    // one could not recover a half-reduced model either.
    precondition(status == 0, "MPI_Allreduce failed with status \(status)")
  }
}
