import Foundation

/// Service-level objectives on canaries: over a sliding window of the canary's own requests,
/// an error rate or a p99 latency over its limit withdraws the canary (the endpoint goes back to
/// its primary alone), writes an audit entry and counts it. Requests already sent to the
/// canary still finish there: a withdrawn batcher computes what it is handed.
public final class CanaryGuard: @unchecked Sendable {
    public struct Objective: Sendable, Equatable, Codable {
        public var maxErrorRate: Double?
        public var maxP99Milliseconds: Double?
        public var windowSeconds: Double
        public var minRequests: Int

        enum CodingKeys: String, CodingKey {
            case maxErrorRate = "max_error_rate", maxP99Milliseconds = "max_p99_ms", windowSeconds = "window_seconds", minRequests = "min_requests"
        }

        public init(maxErrorRate: Double?, maxP99Milliseconds: Double?, windowSeconds: Double = 60, minRequests: Int = 20) throws {
            guard maxErrorRate != nil || maxP99Milliseconds != nil else {
                throw PlatformError.invalid(field: "canary.slo", message: "needs max_error_rate, max_p99_ms or both")
            }
            if let rate = maxErrorRate, !(0...1).contains(rate) { throw PlatformError.invalid(field: "canary.slo.max_error_rate", message: "must be in [0, 1]") }
            if let p99 = maxP99Milliseconds, !(p99 > 0) { throw PlatformError.invalid(field: "canary.slo.max_p99_ms", message: "must be a positive number") }
            guard windowSeconds >= 1 && windowSeconds <= 3600 else { throw PlatformError.invalid(field: "canary.slo.window_seconds", message: "must be 1 to 3600") }
            guard minRequests >= 1 && minRequests <= 100_000 else { throw PlatformError.invalid(field: "canary.slo.min_requests", message: "must be 1 to 100000") }
            self.maxErrorRate = maxErrorRate; self.maxP99Milliseconds = maxP99Milliseconds
            self.windowSeconds = windowSeconds; self.minRequests = minRequests
        }
    }

    struct Window {
        var objective: Objective
        var samples: [(at: Double, failed: Bool, seconds: Double)] = []
        var tripped = false
    }

    private let lock = NSLock()
    private var windows: [String: Window] = [:]
    private let store: any MetadataStore
    static let documentKind = "canary-slo"
    /// Called once per breach, off the request path: withdraw the canary, audit, count.
    var onBreach: (@Sendable (_ project: String, _ endpoint: String, _ reason: String) async -> Void)?

    init(store: any MetadataStore) { self.store = store }

    func load() async throws {
        let documents = try await store.documents(kind: Self.documentKind)
        lock.withLock {
            for d in documents {
                if let objective = try? JSONDecoder().decode(Objective.self, from: Data(d.body.utf8)) {
                    windows[d.project + "/" + d.name] = Window(objective: objective)
                }
            }
        }
    }

    public func objective(project: String, endpoint: String) -> Objective? { lock.withLock { windows[project + "/" + endpoint]?.objective } }

    public func set(project: String, endpoint: String, objective: Objective?) async throws {
        if let objective {
            try await store.putDocument(project: project, kind: Self.documentKind, name: endpoint,
                                        body: String(decoding: try JSONEncoder().encode(objective), as: UTF8.self))
        } else {
            try await store.deleteDocument(project: project, kind: Self.documentKind, name: endpoint)
        }
        lock.withLock { windows[project + "/" + endpoint] = objective.map { Window(objective: $0) } }
    }

    /// Records one canary request's outcome; a breach of the objective fires `onBreach` once.
    public func record(project: String, endpoint: String, failed: Bool, seconds: Double) {
        let key = project + "/" + endpoint
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let breach: String? = lock.withLock {
            guard var window = windows[key], !window.tripped else { return nil }
            window.samples.append((now, failed, seconds))
            let horizon = now - window.objective.windowSeconds
            if let first = window.samples.firstIndex(where: { $0.at >= horizon }), first > 0 { window.samples.removeFirst(first) }
            var reason: String?
            if window.samples.count >= window.objective.minRequests {
                let errors = Double(window.samples.filter(\.failed).count) / Double(window.samples.count)
                let latencies = window.samples.filter { !$0.failed }.map(\.seconds).sorted()
                let p99 = latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int((0.99 * Double(latencies.count)).rounded(.up)) - 1)] * 1000
                if let limit = window.objective.maxErrorRate, errors > limit {
                    reason = "error rate \(errors) over \(limit) in \(window.samples.count) requests"
                } else if let limit = window.objective.maxP99Milliseconds, p99 > limit {
                    reason = "p99 latency \(p99) ms over \(limit) ms in \(window.samples.count) requests"
                }
            }
            if reason != nil { window.tripped = true }
            windows[key] = window
            return reason
        }
        if let breach, let onBreach { Task.detached { await onBreach(project, endpoint, breach) } }
    }
}
