import Foundation

/// Everything a server node needs, wired over one metadata store and one artifact store.
public struct PlatformServices: Sendable {
    public let store: any MetadataStore
    public let artifacts: any ArtifactStore
    public let keys: KeyRing
    public let registry: ModelRegistry
    public let endpoints: InferenceEndpoints
    public let datasets: DatasetStore
    public let jobs: TrainingJobs
    public let metrics: PlatformMetrics
    public let usage: UsageMeter
    /// Per-key quotas (requests and language-model tokens per minute).
    public let rateLimiter = RateLimiter()

    /// `datasetRoot` holds uploads; `maximumUploadBytes` caps each one (default 1 GiB).
    /// `workRoot` holds running jobs' checkpoints; `trainingWorkers` bounds concurrent jobs.
    public init(store: any MetadataStore, artifacts: any ArtifactStore, datasetRoot: URL, workRoot: URL,
                maximumUploadBytes: Int = 1 << 30, trainingWorkers: Int = 1, modelMemoryBudget: Int = 4 << 30) async throws {
        self.store = store
        datasets = try DatasetStore(root: datasetRoot, store: store, maximumBytes: maximumUploadBytes)
        self.artifacts = artifacts
        keys = try await KeyRing(store: store)
        registry = ModelRegistry(store: store, artifacts: artifacts)
        metrics = PlatformMetrics()
        usage = UsageMeter(store: store)
        endpoints = InferenceEndpoints(store: store, registry: registry, artifacts: artifacts, metrics: metrics, memoryBudget: modelMemoryBudget)
        jobs = TrainingJobs(store: store, datasets: datasets, registry: registry, workRoot: workRoot, workers: trainingWorkers)
        let (metrics, usage) = (metrics, usage)
        await jobs.setOnFinish { job in
            metrics.recordJob(job)
            usage.record(project: job.project, keyID: job.keyID, requests: 0, trainingSeconds: job.computeSeconds)
        }
    }

    /// Moves an alias and re-points the endpoints serving it (warming the new version first).
    public func moveAlias(project: String, model: String, alias: String, version: Int) async throws {
        try await registry.setAlias(project: project, model: model, alias: alias, version: version)
        try await endpoints.refresh(project: project, model: model)
    }
}
