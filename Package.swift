// swift-tools-version:6.0
import PackageDescription

// Numeric targets are compiled for AVX2 + FMA (every machine this project runs on has them;
// the baseline x86-64 target has no AVX and runs the SIMD loops at a fraction of the speed).
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
]

let package = Package(
    name: "SwiftMaaS",
    platforms: [.macOS(.v15)],
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
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The command-line client's HTTP: URLSession would load FoundationNetworking, libcurl and
        // two dozen TLS/Kerberos/LDAP libraries (6 MiB resident) into every `maas` process.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // TLS for the server (through Hummingbird) and the client's MAAS_CA_CERT; async-http-client needs it anyway.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // PostgreSQL for nodes that share one metadata store (maas serve/worker --database postgres://).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // The KServe v2 / Triton gRPC inference protocol (maas serve --grpc-port); the protobuf
        // and service code is generated once (scripts/generate_grpc.sh) and committed.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // Traces: spans through swift-distributed-tracing, exported over OTLP by swift-otel (maas serve --otlp-endpoint).
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0"),
    ],
    targets: [
        // OpenBLAS (libopenblas-dev), loaded on first use rather than linked: see openblas_lazy.h.
        .target(name: "COpenBLAS", path: "Sources/COpenBLAS", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // oneDNN (libdnnl-dev) for convolutions, loaded on first use like OpenBLAS: see onednn_conv.h.
        .target(name: "COneDNN", path: "Sources/COneDNN", cSettings: [.unsafeFlags(["-O2"])], linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "Tensor", dependencies: ["COpenBLAS", "COneDNN"], swiftSettings: kernelFlags),
        .target(name: "NeuralNet", dependencies: ["Tensor", "Datasets", "Yams"], swiftSettings: kernelFlags),
        .target(name: "Datasets", dependencies: ["Tensor", "CZlib"], swiftSettings: kernelFlags),
        .target(name: "Learners", dependencies: ["Tensor", "Datasets", "COpenBLAS"], swiftSettings: kernelFlags),
        // AVX2 dot products of quantized weight rows with Float activations (C: Swift has no
        // portable way to emit the widening byte conversions these need).
        .target(name: "CQuantKernels", cSettings: [.unsafeFlags(["-O3", "-mavx2", "-mfma", "-mf16c"])]),
        // Pretrained transformers: tokenizers, BERT sentence encoders and Llama language models.
        // libsndfile (FLAC, MP3, Ogg, AIFF), loaded on first use like OpenBLAS: see sndfile_lazy.h.
        .target(name: "CSndFile", path: "Sources/CSndFile", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "LanguageModels", dependencies: ["Tensor", "COpenBLAS", "CQuantKernels", "CZlib", "CSndFile"], swiftSettings: kernelFlags),
        // Domain services; storage sits behind protocols defined here.
        .target(name: "Platform", dependencies: [
            "Tensor", "NeuralNet", "Datasets", "Learners", "LanguageModels",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
        ]),
        .target(name: "SQLiteStore", dependencies: ["Platform", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "PostgresStore", dependencies: ["Platform", .product(name: "PostgresNIO", package: "postgres-nio"),
                                                      .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                      .product(name: "Logging", package: "swift-log")]),
        // S3-compatible object storage (scale-out): Signature V4 and the REST calls, over
        // async-http-client (no S3 SDK is in the package mirror).
        .target(name: "ObjectStore", dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                                                    .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        // Model artifacts in an S3-compatible bucket shared by every node (--artifacts s3://…).
        .target(name: "S3Artifacts", dependencies: ["Platform", "ObjectStore", "Tensor"]),
        // Thin translation between HTTP and Platform calls.
        .target(name: "HTTPAPI", dependencies: ["Platform", "Tensor", "LanguageModels", .product(name: "Hummingbird", package: "hummingbird"),
                                                .product(name: "MultipartKit", package: "multipart-kit"),
                                                .product(name: "HummingbirdTLS", package: "hummingbird"),
                                                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                .product(name: "GRPCCore", package: "grpc-swift-2"),
                                                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                                                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                                                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                                                .product(name: "Tracing", package: "swift-distributed-tracing")],
                // The console's files are compiled into the binary (PackageResources.*).
                resources: [.copy("openapi.json"), .embedInCode("Console/index.html"), .embedInCode("Console/app.js"),
                            .embedInCode("Console/api.js"), .embedInCode("Console/chart.js"), .embedInCode("Console/views.js"),
                            .embedInCode("Console/style.css")]),
        .executableTarget(name: "maas", dependencies: [
            "Tensor", "NeuralNet", "Datasets", "Learners", "LanguageModels", "COpenBLAS", "Platform", "SQLiteStore", "PostgresStore", "ObjectStore", "S3Artifacts", "HTTPAPI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "OTel", package: "swift-otel"),
            .product(name: "Tracing", package: "swift-distributed-tracing"),
        ]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "LanguageModelTests", dependencies: ["LanguageModels", "CQuantKernels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Datasets"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ServiceTests", dependencies: [
            "Platform", "SQLiteStore", "HTTPAPI", "NeuralNet", "Learners", "Datasets", "LanguageModels",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "Datasets"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: ["Platform", "SQLiteStore", "PostgresStore"]),
        .testTarget(name: "ObjectStoreTests", dependencies: ["ObjectStore", "S3Artifacts", "Platform", "SQLiteStore",
                                                            .product(name: "AsyncHTTPClient", package: "async-http-client")],
                    resources: [.copy("Fixtures")]),
    ]
)
