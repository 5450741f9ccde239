// swift-tools-version: 6.1
// ksnn: a Kaldi-compatible speech toolkit with spiking acoustic models, in Swift.
import PackageDescription

let package = Package(
  name: "ksnn",
  products: [
    .executable(name: "ksnn", targets: ["ksnn"]),
    .library(name: "KaldiIO", targets: ["KaldiIO"]),
  ],
  targets: [
    // MARK: - System libraries (Debian -dev packages, found through pkg-config)
    .systemLibrary(
      name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    .systemLibrary(
      name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
      providers: [.apt(["libfftw3-dev"]), .brew(["fftw"])]),
    .systemLibrary(
      name: "CSndFile", path: "Sources/CSndFile", pkgConfig: "sndfile",
      providers: [.apt(["libsndfile1-dev"]), .brew(["libsndfile"])]),

    // MARK: - Libraries
    .target(name: "KaldiBase"),
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
    .target(name: "Scoring", dependencies: ["KaldiBase", "KaldiIO"]),
    .target(
      name: "AcousticModels", dependencies: ["KaldiBase", "KaldiMatrix", "KaldiIO", "CBLAS"],
      linkerSettings: [.linkedLibrary("m")]),
    .target(name: "KaldiTools", dependencies: ["KaldiBase", "KaldiMatrix", "KaldiIO", "CBLAS", "Features", "Scoring", "Decoding", "AcousticModels", "Gmm"]),

    // MARK: - The multi-call executable
    .executableTarget(name: "ksnn", dependencies: ["KaldiTools"]),

    // MARK: - Tests
    .testTarget(name: "KaldiBaseTests", dependencies: ["KaldiBase"]),
    .testTarget(name: "KaldiMatrixTests", dependencies: ["KaldiMatrix"]),
    .testTarget(
      name: "AcousticModelsTests", dependencies: ["AcousticModels", "KaldiIO", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "KaldiIOTests", dependencies: ["KaldiBase", "KaldiIO", "KaldiMatrix"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "FeaturesTests", dependencies: ["Features", "KaldiIO", "KaldiMatrix", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "DecodingTests", dependencies: ["Decoding", "KaldiIO", "KaldiMatrix", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "GmmTests", dependencies: ["Gmm", "Decoding", "KaldiIO", "KaldiMatrix", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ScoringTests", dependencies: ["Scoring", "KaldiIO", "KaldiBase"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ToolTests", dependencies: ["ksnn", "KaldiIO"],
      exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
