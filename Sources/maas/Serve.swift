import ArgumentParser
import Foundation
import HTTPAPI
import Hummingbird
import Logging
import OTel
import Platform
import PostgresStore
import S3Artifacts
import SQLiteStore
import ServiceLifecycle
import Tracing

/// What every node (an API node or a worker) needs to open the platform: its folder, the
/// metadata and artifact stores it shares with other nodes, and the master key.
struct NodeOptions: ParsableArguments {
    @Option(help: "Folder for the database and artifacts.") var dataDir = "maas-data"
    @Option(help: "Metadata in PostgreSQL, shared by several nodes: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]. Default: SQLite under --data-dir.")
    var database: String?
    @Option(help: "Artifacts, datasets and job checkpoints in an S3-compatible bucket shared by several nodes: s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT[&region=R], credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Default: under --data-dir.")
    var artifacts: String?
    @Option(help: "File holding the master key (base64 of 32 bytes). Default: MAAS_MASTER_KEY, else <data-dir>/master.key (generated, single machine only).")
    var masterKeyFile: String?
    @Option(help: "The master key before an interrupted rotation (or MAAS_PREVIOUS_MASTER_KEY): its data keys are re-wrapped at start.")
    var previousMasterKeyFile: String?
    @Option(help: "Jobs one project may run at once, over every node sharing the database (default: no limit).")
    var projectTaskLimit: Int?
    @Option(help: "Seconds a job's lease lasts unless its worker renews it (every third of it): how soon another worker takes over the job of one that died.")
    var leaseSeconds = 30.0

    func validate() throws {
        if let limit = projectTaskLimit, !(1...10_000).contains(limit) { throw ValidationError("--project-task-limit must be between 1 and 10000") }
        guard (1...3600).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be between 1 and 3600") }
    }

    /// Connects the stores (refusing to start, naming the setting, when one is wrong) and opens the platform.
    func open(maxUploadMib: Int = 1024, trainingWorkers: Int, modelMemoryMib: Int = 4096, logger: Logger) async throws -> PlatformServices {
        let root = URL(fileURLWithPath: dataDir).standardizedFileURL
        try await DataFolderLock.acquire(root)
        let environment = ProcessInfo.processInfo.environment
        var masterKey = MasterKeyConfiguration(source: .dataFolder(root.appendingPathComponent("master.key")))
        if let text = environment["MAAS_MASTER_KEY"], !text.isEmpty { masterKey.source = .environment(text) }
        else if let file = masterKeyFile { masterKey.source = .file(URL(fileURLWithPath: file)) }
        do {
            if let file = previousMasterKeyFile { masterKey.previous = try MasterKey(file: URL(fileURLWithPath: file), source: "--previous-master-key-file \(file)") }
            else if let text = environment["MAAS_PREVIOUS_MASTER_KEY"], !text.isEmpty { masterKey.previous = try MasterKey(base64: text, source: "MAAS_PREVIOUS_MASTER_KEY") }
        } catch let error as PlatformError { throw CommandFailure("\(error)") }
        let store: any MetadataStore
        if let database {
            // Nodes sharing a database must share the master key that wraps its data keys; a key
            // generated into one node's folder would lock every other node out.
            if case .dataFolder = masterKey.source {
                throw ValidationError("--database: nodes sharing a database need the same master key: give it with MAAS_MASTER_KEY or --master-key-file")
            }
            do { store = try await PostgresMetadataStore.connect(try DatabaseURL(database)) }
            catch let error as DatabaseSettingError { throw CommandFailure("cannot start: \(error)") }
        } else {
            store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        }
        var artifactStore: ((SealedStorage) async throws -> any ArtifactStore)?
        var sharedFiles: (any SharedFiles)?
        if let artifacts {
            let setting: ArtifactsSetting
            do {
                setting = try ArtifactsSetting(artifacts)
                try await setting.check()
            } catch let error as ArtifactsSetting.Invalid { throw CommandFailure("cannot start: \(error)") }
            // This node's cache of fetched artifacts, and its staging.
            let cacheRoot = root.appendingPathComponent("artifact-cache")
            artifactStore = { storage in
                let store = try S3ArtifactStore(client: setting.client, prefix: setting.prefix, cacheRoot: cacheRoot, storage: storage)
                await store.removeAbandonedWork()
                return store
            }
            sharedFiles = S3SharedFiles(client: setting.client, prefix: setting.prefix)
        }
        do {
            return try await PlatformServices.open(dataDirectory: root, store: store, masterKey: masterKey, maximumUploadBytes: maxUploadMib << 20,
                                                   trainingWorkers: trainingWorkers, modelMemoryBudget: modelMemoryMib << 20,
                                                   artifactStore: artifactStore, sharedFiles: sharedFiles,
                                                   queue: JobQueueSettings(projectTaskLimit: projectTaskLimit, leaseSeconds: leaseSeconds),
                                                   log: { logger.notice("\($0)") })
        } catch let error as PlatformError {
            // A wrong or missing master key: say which source, and do not start.
            throw CommandFailure("cannot start: \(error)")
        }
    }
}

func nodeLogger() -> Logger {
    var logger = Logger(label: "maas")
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the model server (SQLite metadata and sealed artifacts under --data-dir).",
        discussion: """
            Several nodes share one PostgreSQL database with --database postgres://USER@HOST:PORT/DB (the password in the URL \
            or PGPASSWORD) and the same master key (MAAS_MASTER_KEY or --master-key-file): keys, deployments and aliases \
            changed on one node take effect on every node within a second. Jobs go to a queue in the database that every \
            node's training workers and every `maas worker` take from.
            """)

    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @OptionGroup var node: NodeOptions
    @Option(help: "Largest dataset upload in MiB.") var maxUploadMib = 1024
    @Option(help: "Jobs this node runs at once (each uses the compute threads, MAAS_THREADS); 0 leaves them to workers.") var trainingWorkers = 1
    @Option(help: "MiB of model weights kept loaded; least recently used models beyond it are unloaded.") var modelMemoryMib = 4096
    @Option(help: "Longest audio one transcription request may send, in seconds.") var maxAudioSeconds = 3600
    @Option(help: "PEM certificate chain: serve HTTPS only (TLS 1.2 or later).") var tlsCert: String?
    @Option(help: "PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "PEM CA bundle: require client certificates it signed (mutual TLS).") var tlsClientCa: String?
    @Option(help: "Also serve the KServe v2 / Triton gRPC inference protocol on this port (0: any free port; TLS as for HTTP).") var grpcPort: Int?
    @Option(help: "Send traces over OTLP/HTTP (protobuf) to this collector, e.g. http://127.0.0.1:4318 (off when absent).") var otlpEndpoint: String?
    @Option(help: "Share of requests traced when --otlp-endpoint is given, 0 to 1 (a client's sampled traceparent is always followed).") var traceSampling = 1.0

    func run() async throws {
        let logger = nodeLogger()
        guard (1...1 << 24).contains(modelMemoryMib) else { throw ValidationError("--model-memory-mib must be between 1 and 16777216") }
        guard (0...64).contains(trainingWorkers) else { throw ValidationError("--training-workers must be between 0 and 64") }
        guard (1...1 << 20).contains(maxUploadMib) else { throw ValidationError("--max-upload-mib must be between 1 and 1048576") }
        guard (1...86_400).contains(maxAudioSeconds) else { throw ValidationError("--max-audio-seconds must be between 1 and 86400") }
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tlsClientCa == nil || tlsCert != nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        guard grpcPort.map({ (0...65535).contains($0) }) ?? true else { throw ValidationError("--grpc-port must be between 0 and 65535") }
        guard grpcPort == nil || grpcPort != port || port == 0 else { throw ValidationError("--grpc-port must differ from --port") }
        let tls: ServerTLS?
        do { tls = try tlsCert.map { try ServerTLS(certificateFile: $0, keyFile: tlsKey!, clientCAFile: tlsClientCa) } }
        catch let error as PlatformError { throw CommandFailure("\(error)") }
        guard (0...1).contains(traceSampling) else { throw ValidationError("--trace-sampling must be between 0 and 1") }
        let tracing = try otlpEndpoint.map { try Self.tracingBackend(endpoint: $0, sampling: traceSampling) }
        var services = try await node.open(maxUploadMib: maxUploadMib, trainingWorkers: trainingWorkers, modelMemoryMib: modelMemoryMib, logger: logger)
        services.maximumAudioSeconds = Double(maxAudioSeconds)
        let environment = ProcessInfo.processInfo.environment
        if let token = try await services.keys.bootstrap(fixed: environment["MAAS_ADMIN_KEY"]) {
            // Shown once; only its hash is stored.
            FileHandle.standardOutput.write("admin API key (shown once, store it now): \(token)\n")
        }
        for failure in try await services.endpoints.restore(projects: try await services.store.projectNames()) {
            logger.error("deployment not restored", metadata: ["project": "\(failure.deployment.project)",
                                                               "endpoint": "\(failure.deployment.name)", "error": "\(failure.error)"])
        }
        if tls == nil && !["127.0.0.1", "localhost", "::1"].contains(host) {
            logger.warning("serving plain HTTP on \(host), which is not a loopback address: API keys and data cross the network unencrypted; give --tls-cert and --tls-key")
        }
        let scheme = tls == nil ? "http" : "https"
        // Both announcements labelled: a trailing closure would bind to the first closure parameter.
        let app = try APIServer.application(services: services, host: host, port: port, logger: logger, tls: tls, grpcPort: grpcPort,
                                            alongside: tracing.map { [$0] } ?? [],
                                            onRunning: { port in FileHandle.standardOutput.write("maas serving on \(scheme)://\(host):\(port)\n") },
                                            onGRPCRunning: { port in FileHandle.standardOutput.write("maas serving gRPC on \(host):\(port)\n") })
        try await app.runService()
    }

    /// Bootstraps the tracer (swift-otel, traces only: logs and metrics keep their own backends)
    /// and returns the service that batches and exports the spans.
    static func tracingBackend(endpoint: String, sampling: Double) throws -> any Service {
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--otlp-endpoint must be an http(s) URL of an OTLP/HTTP collector, e.g. http://127.0.0.1:4318; got '\(endpoint)'")
        }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "maas"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        // A bare collector address gets the OTLP/HTTP traces path; a URL with a path is used as given.
        configuration.traces.otlpExporter.endpoint = url.path.isEmpty || url.path == "/" ? endpoint.trimmingCharacters(in: ["/"]) + "/v1/traces" : endpoint
        configuration.traces.sampler = .parentBasedTraceIDRatio(ratio: sampling) ?? .parentBasedAlwaysOn
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        configuration.propagators = [.traceContext]
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(tracer)
        RequestTracing.enabled = true
        return service
    }
}

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run jobs from the queue in the shared database, and nothing else (no API).",
        discussion: """
            Give the same --database, --artifacts and master key as the API nodes. Each worker claims the next job with a \
            lease it renews while the job runs; if the worker dies, the lease runs out and another worker resumes the job \
            from its last checkpoint in the object store. SIGTERM or SIGINT stops the workers at their next step and hands \
            their jobs back at once.
            """)

    @OptionGroup var node: NodeOptions
    @Option(help: "Jobs this worker runs at once (each uses the compute threads, MAAS_THREADS).") var workers = 1

    func run() async throws {
        let logger = nodeLogger()
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
        let services = try await node.open(trainingWorkers: workers, logger: logger)
        try await services.jobs.start()
        let follower = Task { await services.followSharedChanges() }
        FileHandle.standardOutput.write("maas worker \(services.jobs.nodeID) running \(workers) job slot(s)\n")
        await Self.untilTerminated()
        FileHandle.standardOutput.write("maas worker stopping: running jobs go back to the queue\n")
        follower.cancel()
        await services.jobs.shutdown()
    }

    /// Returns on SIGTERM or SIGINT.
    static func untilTerminated() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let sources = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        let (signals, delivered) = AsyncStream.makeStream(of: Void.self)
        for source in sources {
            source.setEventHandler { delivered.yield() }
            source.resume()
        }
        var iterator = signals.makeAsyncIterator()
        _ = await iterator.next()
        for source in sources { source.cancel() }
    }
}
