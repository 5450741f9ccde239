// swift-tools-version: 6.1
// ksnn: a Kaldi-compatible speech toolkit with spiking acoustic models, in Swift.
import PackageDescription

let package = Package(
  name: "ksnn",
  products: [
    .executable(name: "ksnn", targets: ["ksnn"]),
    .executable(name: "ksnn-server", targets: ["ksnn-server"]),
    .executable(name: "ksnn-client", targets: ["ksnn-client"]),
    .library(name: "KaldiIO", targets: ["KaldiIO"]),
  ],
  dependencies: [
    // The WebSocket server and client of on-line recognition (only ksnn-server and ksnn-client use them).
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
  ],
  targets: [
    // MARK: - System libraries, loaded with dlopen on first use so that a tool's start maps only
    // what it uses (headers from the Debian -dev packages; see each target's header)
    .target(name: "CLibraryLoader", linkerSettings: [.linkedLibrary("dl")]),
    // OpenBLAS (libopenblas0 at run time).
    .target(name: "CBLAS", dependencies: ["CLibraryLoader"]),
    // Open MPI, for ksnn-am-train under mpirun (libopenmpi3 at run time).
    .target(name: "CMPI", dependencies: ["CLibraryLoader"]),
    // FFTW and libsndfile, for the tools that compute features or read audio.
    .target(name: "CFFTW", dependencies: ["CLibraryLoader"]),
    .target(name: "CSndFile", dependencies: ["CLibraryLoader"]),

    // MARK: - Libraries
    .target(name: "KaldiBase"),
    // The event-driven products of spiking layers (AVX2/FMA chosen at run time).
    .target(name: "CSparse", linkerSettings: [.linkedLibrary("m")]),
    .target(
      name: "KaldiMatrix", dependencies: ["KaldiBase", "CBLAS"],
      linkerSettings: [.linkedLibrary("m")]),
    .target(name: "KaldiIO", dependencies: ["KaldiBase", "KaldiMatrix"]),
    .target(
      name: "Features", dependencies: ["KaldiBase", "KaldiMatrix", "KaldiIO", "CFFTW", "CSndFile"],
      linkerSettings: [.linkedLibrary("m")]),
    .target(name: "Decoding", dependencies: ["KaldiBase", "KaldiIO", "KaldiMatrix"], linkerSettings: [.linkedLibrary("m")]),
    .target(
      name: "Gmm", dependencies: ["KaldiBase", "KaldiIO", "KaldiMatrix", "Decoding"],
      linkerSettings: [.linkedLibrary("m")]),
    .target(name: "Scoring", dependencies: ["KaldiBase", "KaldiIO", "KaldiMatrix"]),
    .target(
      name: "AcousticModels", dependencies: ["KaldiBase", "KaldiMatrix", "KaldiIO", "CBLAS", "CSparse"],
      linkerSettings: [.linkedLibrary("m")]),
    // Data-parallel training over the ranks of an mpirun job.
    .target(name: "MPIRuntime", dependencies: ["KaldiBase", "AcousticModels", "CMPI"]),
    .target(
      name: "KaldiTools",
      dependencies: ["KaldiBase", "KaldiMatrix", "KaldiIO", "CBLAS", "Features", "Scoring", "Decoding", "AcousticModels", "Gmm", "MPIRuntime"]),

    // MARK: - The multi-call executable
    .executableTarget(name: "ksnn", dependencies: ["KaldiBase", "KaldiTools"]),

    // MARK: - On-line recognition over WebSockets (Vosk's protocol)
    .executableTarget(
      name: "ksnn-server",
      dependencies: [
        "KaldiTools", "KaldiBase", "Decoding",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .executableTarget(
      name: "ksnn-client",
      dependencies: [
        "KaldiBase", "KaldiIO", "Features",
        .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // MARK: - Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "KaldiBaseTests", dependencies: ["TestSupport", "KaldiBase"]),
    .testTarget(name: "KaldiMatrixTests", dependencies: ["TestSupport", "KaldiMatrix"]),
    .testTarget(
      name: "AcousticModelsTests", dependencies: ["TestSupport", "AcousticModels", "KaldiIO", "KaldiBase", "CSparse"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "KaldiIOTests", dependencies: ["TestSupport", "KaldiBase", "KaldiIO", "KaldiMatrix"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "FeaturesTests", dependencies: ["TestSupport", "Features", "KaldiIO", "KaldiMatrix", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "DecodingTests", dependencies: ["TestSupport", "Decoding", "KaldiIO", "KaldiMatrix", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "GmmTests", dependencies: ["TestSupport", "Gmm", "Decoding", "KaldiIO", "KaldiMatrix", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ScoringTests", dependencies: ["TestSupport", "Scoring", "KaldiIO", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ToolTests", dependencies: ["TestSupport", "ksnn", "ksnn-server", "ksnn-client", "KaldiIO", "AcousticModels"],
      exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
