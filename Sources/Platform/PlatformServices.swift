import Foundation

/// Everything a server node needs, wired over one metadata store and one artifact store.
public struct PlatformServices: Sendable {
    public let store: any MetadataStore
    /// Data keys under the master key; every stored object is sealed through `storage`.
    public let vault: KeyVault
    public let storage: SealedStorage
    public let artifacts: any ArtifactStore
    public let keys: KeyRing
    public let registry: ModelRegistry
    public let endpoints: InferenceEndpoints
    public let datasets: DatasetStore
    public let jobs: TrainingJobs
    public let metrics: PlatformMetrics
    public let usage: UsageMeter
    public let audit: AuditLog
    /// Per-key quotas (requests and language-model tokens per minute).
    public let rateLimiter = RateLimiter()

    /// `datasetRoot` holds uploads; `maximumUploadBytes` caps each one (default 1 GiB).
    /// `workRoot` holds running jobs' checkpoints; `trainingWorkers` bounds concurrent jobs.
    public init(store: any MetadataStore, vault: KeyVault, artifacts: any ArtifactStore, datasetRoot: URL, workRoot: URL,
                maximumUploadBytes: Int = 1 << 30, trainingWorkers: Int = 1, modelMemoryBudget: Int = 4 << 30) async throws {
        self.store = store
        self.vault = vault
        storage = SealedStorage(vault: vault)
        datasets = try DatasetStore(root: datasetRoot, store: store, storage: storage, maximumBytes: maximumUploadBytes)
        self.artifacts = artifacts
        keys = try await KeyRing(store: store)
        registry = ModelRegistry(store: store, artifacts: artifacts, vault: vault)
        metrics = PlatformMetrics()
        usage = UsageMeter(store: store)
        audit = AuditLog(store: store, vault: vault)
        endpoints = InferenceEndpoints(store: store, registry: registry, artifacts: artifacts, vault: vault, metrics: metrics, memoryBudget: modelMemoryBudget)
        jobs = TrainingJobs(store: store, datasets: datasets, registry: registry, artifacts: artifacts, storage: storage, workRoot: workRoot,
                            workers: trainingWorkers)
        let (metrics, usage) = (metrics, usage)
        await jobs.setOnFinish { job in
            metrics.recordJob(job)
            usage.record(project: job.project, keyID: job.keyID, requests: 0, trainingSeconds: job.computeSeconds)
        }
    }

    /// A node over a data folder: `artifacts/`, `datasets/` and `jobs/` under it, every object
    /// sealed under the configured master key (which, by default, is `master.key` in the folder).
    /// Refuses to open (changing nothing) when the master key does not match the store.
    public static func open(dataDirectory root: URL, store: any MetadataStore, masterKey: MasterKeyConfiguration? = nil,
                            maximumUploadBytes: Int = 1 << 30, trainingWorkers: Int = 1, modelMemoryBudget: Int = 4 << 30,
                            log: (String) -> Void = { _ in }) async throws -> PlatformServices {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Only the server's user may list or read the folder (the store beside the sealed files
        // holds wrapped keys and hashes).
        chmod(root.path, 0o700)
        let configuration = masterKey ?? MasterKeyConfiguration(source: .dataFolder(root.appendingPathComponent("master.key")))
        let vault = try await KeyVault.open(store: store, configuration: configuration, log: log)
        let artifacts = try FileArtifactStore(root: root.appendingPathComponent("artifacts"), storage: SealedStorage(vault: vault))
        await artifacts.removeAbandonedStaging()
        return try await PlatformServices(store: store, vault: vault, artifacts: artifacts, datasetRoot: root.appendingPathComponent("datasets"),
                                          workRoot: root.appendingPathComponent("jobs"), maximumUploadBytes: maximumUploadBytes,
                                          trainingWorkers: trainingWorkers, modelMemoryBudget: modelMemoryBudget)
    }

    /// Moves an alias and re-points the endpoints serving it (warming the new version first).
    public func moveAlias(project: String, model: String, alias: String, version: Int) async throws {
        try await registry.setAlias(project: project, model: model, alias: alias, version: version)
        try await endpoints.refresh(project: project, model: model)
    }
}
