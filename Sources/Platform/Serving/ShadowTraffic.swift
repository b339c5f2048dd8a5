import Foundation

/// Shadow versions: a share of an endpoint's requests is also computed by another version of
/// its model, after the client has its answer from the primary. The shadow's answers are only
/// compared — agreement, prediction difference, latency — never returned.
public final class ShadowTraffic: @unchecked Sendable {
    public struct Config: Sendable, Equatable {
        public var version: Int
        public var share: Double
        public init(version: Int, share: Double) { self.version = version; self.share = share }
    }

    /// Running comparison of a shadow with its primary (latencies: the last 1,000 of each).
    public struct Stats: Sendable {
        public var mirrored = 0
        public var failed = 0
        public var agreed = 0
        public var differenceSum = 0.0
        public var shadowLatencies: [Double] = []
        public var primaryLatencies: [Double] = []
        var next = 0

        mutating func add(shadow: Double, primary: Double) {
            if shadowLatencies.count < 1000 { shadowLatencies.append(shadow); primaryLatencies.append(primary) }
            else { shadowLatencies[next] = shadow; primaryLatencies[next] = primary }
            next = (next + 1) % 1000
        }
    }

    private let lock = NSLock()
    private var configs: [String: Config] = [:]
    private var stats: [String: Stats] = [:]
    private let store: any MetadataStore
    static let documentKind = "shadow"

    init(store: any MetadataStore) { self.store = store }

    func load() async throws {
        let documents = try await store.documents(kind: Self.documentKind)
        lock.withLock {
            for d in documents {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(d.body.utf8))) as? [String: Any],
                      let version = object["version"] as? Int, let share = object["share"] as? Double else { continue }
                configs[d.project + "/" + d.name] = Config(version: version, share: share)
            }
        }
    }

    public func config(project: String, endpoint: String) -> Config? { lock.withLock { configs[project + "/" + endpoint] } }

    public func stats(project: String, endpoint: String) -> Stats { lock.withLock { stats[project + "/" + endpoint] } ?? Stats() }

    public func set(project: String, endpoint: String, config: Config?) async throws {
        if let config {
            guard config.share > 0 && config.share <= 1 else { throw PlatformError.invalid(field: "share", message: "must be in (0, 1], got \(config.share)") }
            try await store.putDocument(project: project, kind: Self.documentKind, name: endpoint, body: "{\"version\":\(config.version),\"share\":\(config.share)}")
        } else {
            try await store.deleteDocument(project: project, kind: Self.documentKind, name: endpoint)
        }
        lock.withLock {
            configs[project + "/" + endpoint] = config
            stats[project + "/" + endpoint] = Stats()
        }
    }

    /// Whether this request is mirrored (drawn by the endpoint's share).
    public func draw(project: String, endpoint: String) -> Config? {
        guard let config = config(project: project, endpoint: endpoint) else { return nil }
        return Double.random(in: 0..<1) < config.share ? config : nil
    }

    /// Records one mirrored request: the two versions' predictions and compute times.
    public func record(project: String, endpoint: String, primary: [Prediction], shadow: [Prediction]?, primarySeconds: Double, shadowSeconds: Double) {
        lock.withLock {
            var s = stats[project + "/" + endpoint] ?? Stats()
            s.mirrored += 1
            guard let shadow, shadow.count == primary.count else {
                s.failed += 1
                stats[project + "/" + endpoint] = s
                return
            }
            var agree = true, difference = 0.0
            for (a, b) in zip(primary, shadow) {
                if let label = a.label { agree = agree && label == b.label } else { agree = agree && a.values == b.values }
                // Classifiers: the difference of the probabilities given to the primary's class;
                // regressors: of the predicted values.
                if let pa = a.probabilities, let pb = b.probabilities, let best = pa.indices.max(by: { pa[$0] < pa[$1] }), best < pb.count {
                    difference += abs(pa[best] - pb[best])
                } else if let va = a.values.first, let vb = b.values.first {
                    difference += abs(va - vb)
                }
            }
            if agree { s.agreed += 1 }
            s.differenceSum += difference / Double(max(primary.count, 1))
            s.add(shadow: shadowSeconds, primary: primarySeconds)
            stats[project + "/" + endpoint] = s
        }
    }
}
