import CFFTW
#if canImport(Glibc)
import Glibc
#endif

/// A real-to-complex FFT of one size with its FFTW plan made once and reused for every frame.
///
/// Owns C memory and a plan, so it is not Sendable: each worker makes its own.
public final class RealFFT {
  public let size: Int
  private let input: UnsafeMutablePointer<Float>
  private let output: UnsafeMutablePointer<fftwf_complex>
  private let plan: fftwf_plan

  public init(size: Int) {
    precondition(size >= 2 && size % 2 == 0, "FFT size must be even")
    self.size = size
    input = ksnn_fftwf_alloc_real(size)
    output = ksnn_fftwf_alloc_complex(size / 2 + 1)
    let (input, output) = (input, output)
    plan = RealFFT.plannerLock.withLock {
      _ = RealFFT.wisdomLoaded
      return ksnn_fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_PATIENT) | UInt32(FFTW_WISDOM_ONLY))
        ?? ksnn_fftwf_plan_dft_r2c_1d(Int32(size), input, output, UInt32(FFTW_ESTIMATE))
    }
  }

  /// FFTW's planner (wisdom, plan creation and destruction) is not thread-safe, only
  /// fftwf_execute is: concurrent feature extractors crashed with "double free" without it.
  private static let plannerLock = PlannerLock()

  /// Imports the shipped wisdom once per process (FFTW's planner state is global).
  private static let wisdomLoaded: Bool = ksnn_fftwf_import_wisdom_from_string(fftwWisdom) != 0

  deinit {
    let plan = plan
    RealFFT.plannerLock.withLock { ksnn_fftwf_destroy_plan(plan) }
    ksnn_fftwf_free(input)
    ksnn_fftwf_free(output)
  }

  /// |X_k|² for k = 0…size/2 of `frame` (size samples) into `power` (size/2+1 values).
  public func powerSpectrum(of frame: UnsafePointer<Float>, into power: UnsafeMutablePointer<Float>) {
    input.update(from: frame, count: size)
    ksnn_fftwf_execute(plan)
    UnsafeMutableRawPointer(output).withMemoryRebound(to: Float.self, capacity: size + 2) { c in
      for k in 0...(size / 2) {
        let re = c[2 * k], im = c[2 * k + 1]
        power[k] = re * re + im * im
      }
    }
  }

  /// Kaldi's packed real-FFT layout: re(0), re(size/2), then re(k), im(k) for 0 < k < size/2.
  public func packedSpectrum(of frame: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    input.update(from: frame, count: size)
    ksnn_fftwf_execute(plan)
    UnsafeMutableRawPointer(output).withMemoryRebound(to: Float.self, capacity: size + 2) { c in
      out[0] = c[0]
      out[1] = c[size]
      for k in 1..<(size / 2) {
        out[2 * k] = c[2 * k]
        out[2 * k + 1] = c[2 * k + 1]
      }
    }
  }
}

/// One process-wide mutex (a pthread mutex, so the tools need not load Foundation).
private final class PlannerLock: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  init() { pthread_mutex_init(mutex, nil) }
  func withLock<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }
}
