// swift-tools-version:6.0
import PackageDescription

// Numeric targets are compiled for AVX2 + FMA (every machine this project runs on has them;
// the baseline x86-64 target has no AVX and runs the SIMD loops at a fraction of the speed).
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
]

let package = Package(
    name: "SwiftMaaS",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "maas", targets: ["maas"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Learners", targets: ["Learners"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Tensor", dependencies: ["COpenBLAS"], swiftSettings: kernelFlags),
        .target(name: "NeuralNet", dependencies: ["Tensor", "Datasets", "Yams"], swiftSettings: kernelFlags),
        .target(name: "Datasets", dependencies: ["Tensor", "CZlib"], swiftSettings: kernelFlags),
        .target(name: "Learners", dependencies: ["Tensor", "Datasets", "COpenBLAS"], swiftSettings: kernelFlags),
        .executableTarget(name: "maas", dependencies: [
            "Tensor", "NeuralNet", "Datasets", "Learners", "COpenBLAS",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Datasets"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "Datasets"], resources: [.copy("Fixtures")]),
    ]
)
