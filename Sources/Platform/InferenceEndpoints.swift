import Foundation

/// Deployed endpoints and the models loaded behind them. A model loads (and is warmed up by
/// one prediction-free load) when deployed, before it takes traffic; a redeploy swaps the
/// endpoint's model only once the new one is loaded, so no request sees a half-swap.
public actor InferenceEndpoints {
    private let store: any MetadataStore
    private let registry: ModelRegistry
    private let artifacts: any ArtifactStore
    /// Loaded models by artifact digest (several endpoints may share one).
    private var loaded: [String: LoadedModel] = [:]
    /// (project, endpoint) → (deployment, artifact digest).
    private var routes: [String: (deployment: Deployment, version: ModelVersion)] = [:]

    public init(store: any MetadataStore, registry: ModelRegistry, artifacts: any ArtifactStore) {
        self.store = store
        self.registry = registry
        self.artifacts = artifacts
    }

    private static func key(_ project: String, _ name: String) -> String { "\(project)/\(name)" }

    /// Restores every persisted deployment (after a restart). A deployment that no longer
    /// loads is skipped and reported, so one broken artifact does not keep the server down.
    public func restore(projects: [String]) async throws -> [(deployment: Deployment, error: String)] {
        var failures: [(deployment: Deployment, error: String)] = []
        for project in projects {
            for deployment in try await store.deployments(project: project) {
                do { _ = try await activate(deployment) } catch { failures.append((deployment, "\(error)")) }
            }
        }
        return failures
    }

    private func activate(_ deployment: Deployment) async throws -> ModelVersion {
        let version = try await registry.resolve(project: deployment.project, reference: "\(deployment.model)@\(deployment.reference)")
        if loaded[version.artifact] == nil {
            let directory = try artifacts.directory(for: version.artifact)
            loaded[version.artifact] = try LoadedModel.load(directory: directory)
        }
        routes[Self.key(deployment.project, deployment.name)] = (deployment, version)
        return version
    }

    /// Deploys `reference` (`model@alias`, `model@3`, `model`) as endpoint `name`.
    public func deploy(project: String, name: String, reference: String) async throws -> (Deployment, ModelVersion) {
        try ModelRegistry.checkName(name, field: "name")
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        let deployment = Deployment(project: project, name: name, model: parts[0], reference: parts.count > 1 ? parts[1] : "latest", createdAt: Date())
        let version = try await activate(deployment)
        try await store.upsertDeployment(deployment)
        return (deployment, version)
    }

    public func undeploy(project: String, name: String) async throws {
        guard let route = routes.removeValue(forKey: Self.key(project, name)) else { throw PlatformError.notFound(kind: "endpoint", name: name) }
        try await store.deleteDeployment(project: project, name: name)
        // Free the model unless another endpoint still serves it.
        if !routes.values.contains(where: { $0.version.artifact == route.version.artifact }) { loaded[route.version.artifact] = nil }
    }

    public func list(project: String) -> [(deployment: Deployment, version: ModelVersion)] {
        routes.values.filter { $0.deployment.project == project }.sorted { $0.deployment.name < $1.deployment.name }
    }

    /// The model behind an endpoint; other projects' endpoints are indistinguishable from missing ones.
    public func model(project: String, endpoint: String) throws -> (LoadedModel, ModelVersion) {
        guard let route = routes[Self.key(project, endpoint)], let model = loaded[route.version.artifact] else {
            throw PlatformError.notFound(kind: "model", name: endpoint)
        }
        return (model, route.version)
    }
}
