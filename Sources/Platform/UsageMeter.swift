import Foundation

/// Usage of one key in one project.
public struct UsageRecord: Codable, Sendable, Equatable {
    public var project: String
    public var keyID: String
    public var requests: Int
    public var rowsPredicted: Int
    public var trainingSeconds: Double

    public init(project: String, keyID: String, requests: Int = 0, rowsPredicted: Int = 0, trainingSeconds: Double = 0) {
        self.project = project; self.keyID = keyID; self.requests = requests
        self.rowsPredicted = rowsPredicted; self.trainingSeconds = trainingSeconds
    }
}

/// Per-project, per-key usage: counted in memory on the request path (a lock and two adds)
/// and added to the store by `flush`, which the server calls every few seconds and at shutdown.
public final class UsageMeter: @unchecked Sendable {
    private let store: any MetadataStore
    private let lock = NSLock()
    private var pending: [String: UsageRecord] = [:]

    public init(store: any MetadataStore) { self.store = store }

    public func record(project: String, keyID: String, requests: Int = 1, rows: Int = 0, trainingSeconds: Double = 0) {
        lock.withLock {
            let key = "\(project)\u{0}\(keyID)"
            var usage = pending[key] ?? UsageRecord(project: project, keyID: keyID)
            usage.requests += requests
            usage.rowsPredicted += rows
            usage.trainingSeconds += trainingSeconds
            pending[key] = usage
        }
    }

    /// Adds the counts gathered since the last flush to the store.
    public func flush() async throws {
        let deltas = lock.withLock { () -> [UsageRecord] in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for delta in deltas { try await store.addUsage(delta) }
    }

    /// Stored plus not yet flushed usage of a project, per key.
    public func usage(project: String) async throws -> [UsageRecord] {
        try await flush()
        return try await store.usage(project: project)
    }
}
