import ArgumentParser
import Foundation
import HTTPAPI
import Hummingbird
import Logging
import Platform
import SQLiteStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the model server (SQLite metadata and artifacts under --data-dir).")

    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Folder for the database and artifacts.") var dataDir = "maas-data"
    @Option(help: "Largest dataset upload in MiB.") var maxUploadMib = 1024
    @Option(help: "Training jobs run at once (each uses the compute threads, MAAS_THREADS).") var trainingWorkers = 1
    @Option(help: "MiB of model weights kept loaded; least recently used models beyond it are unloaded.") var modelMemoryMib = 4096

    func run() async throws {
        var logger = Logger(label: "maas")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let root = URL(fileURLWithPath: dataDir).standardizedFileURL
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        guard (1...1 << 24).contains(modelMemoryMib) else { throw ValidationError("--model-memory-mib must be between 1 and 16777216") }
        guard (1...64).contains(trainingWorkers) else { throw ValidationError("--training-workers must be between 1 and 64") }
        guard (1...1 << 20).contains(maxUploadMib) else { throw ValidationError("--max-upload-mib must be between 1 and 1048576") }
        let services = try await PlatformServices(store: store, artifacts: try FileArtifactStore(root: root.appendingPathComponent("artifacts")),
                                                  datasetRoot: root.appendingPathComponent("datasets"), workRoot: root.appendingPathComponent("jobs"),
                                                  maximumUploadBytes: maxUploadMib << 20, trainingWorkers: trainingWorkers,
                                                  modelMemoryBudget: modelMemoryMib << 20)
        if let token = try await services.keys.bootstrap(fixed: ProcessInfo.processInfo.environment["MAAS_ADMIN_KEY"]) {
            // Shown once; only its hash is stored.
            FileHandle.standardOutput.write("admin API key (shown once, store it now): \(token)\n")
        }
        for failure in try await services.endpoints.restore(projects: try await store.projectNames()) {
            logger.error("deployment not restored", metadata: ["project": "\(failure.deployment.project)",
                                                               "endpoint": "\(failure.deployment.name)", "error": "\(failure.error)"])
        }
        let app = APIServer.application(services: services, host: host, port: port, logger: logger) { port in
            FileHandle.standardOutput.write("maas serving on http://\(host):\(port)\n")
        }
        try await app.runService()
    }
}
