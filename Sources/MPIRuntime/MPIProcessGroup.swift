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

  /// Initialises MPI (once per process); `finalize()` ends it.
  public init() throws(KaldiError) {
    var argc: Int32 = 0
    guard MPI_Init(&argc, nil) == MPI_SUCCESS else { throw KaldiError("MPI_Init failed") }
    var r: Int32 = 0, n: Int32 = 0
    MPI_Comm_rank(ksnn_mpi_comm_world(), &r)
    MPI_Comm_size(ksnn_mpi_comm_world(), &n)
    (rank, size) = (Int(r), Int(n))
  }

  public func sum(_ values: UnsafeMutableBufferPointer<Double>) {
    allreduce(values.baseAddress, values.count, ksnn_mpi_double(), ksnn_mpi_sum())
  }

  public func sum(_ values: UnsafeMutableBufferPointer<Float>) {
    allreduce(values.baseAddress, values.count, ksnn_mpi_float(), ksnn_mpi_sum())
  }

  public func extremes(_ low: inout Float, _ high: inout Float) {
    allreduce(&low, 1, ksnn_mpi_float(), ksnn_mpi_min())
    allreduce(&high, 1, ksnn_mpi_float(), ksnn_mpi_max())
  }

  /// Ends MPI; every rank calls it before exiting.
  public func finalize() { MPI_Finalize() }

  /// Stops every rank: one rank's error must not leave the others waiting in a reduction.
  public func abort(status: Int32) { MPI_Abort(ksnn_mpi_comm_world(), status) }

  private func allreduce(_ buffer: UnsafeMutableRawPointer?, _ count: Int, _ type: MPI_Datatype, _ op: MPI_Op) {
    guard count > 0 else { return }
    let status = MPI_Allreduce(ksnn_mpi_in_place(), buffer, Int32(count), type, op, ksnn_mpi_comm_world())
    // MPI's default error handler aborts the job before this returns; a custom one could not
    // recover a half-reduced model either.
    precondition(status == MPI_SUCCESS, "MPI_Allreduce failed with status \(status)")
  }
}
