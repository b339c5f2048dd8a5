import Datasets
import Foundation
import Learners
import NeuralNet

/// Sketches of what each endpoint version is asked and answers, compared with its training
/// profile. Per raw column the monitor keeps the last `windowRows` values (numbers, or category
/// indices with one slot for unseen values) in a ring: bounded memory, a sliding window, and
/// every statistic (KS needs the values themselves) computable on demand. Windows are written
/// to the metadata store every few seconds and read back at start, so a restart keeps them.
public final class DriftMonitor: @unchecked Sendable {
    public static let windowRows = 1000
    /// Below this many live rows a feature reports no verdict.
    public static let minimumRows = 30
    public static let defaultThreshold = 0.25

    struct Key: Hashable { var project: String, endpoint: String, version: Int }

    /// A fixed-capacity ring of the latest values (NaN: missing; for categories, the index).
    struct Ring: Codable {
        var values: [Double] = []
        var next = 0
        mutating func append(_ v: Double) {
            if values.count < DriftMonitor.windowRows { values.append(v) } else { values[next] = v }
            next = (next + 1) % DriftMonitor.windowRows
        }
    }

    final class Window {
        let profile: TrainingProfile
        var columns: [String: Ring] = [:]
        var prediction = Ring()
        var rows = 0
        var dirty = false
        /// Features currently over the threshold (an event is written when one crosses it).
        var over: Set<String> = []
        let lookups: [String: [String: Int]]

        init(profile: TrainingProfile) {
            self.profile = profile
            var lookups: [String: [String: Int]] = [:]
            for column in profile.columns + [profile.prediction].compactMap({ $0 }) where column.kind == .categorical {
                lookups[column.name] = Dictionary((column.categories ?? []).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            }
            self.lookups = lookups
        }

        func encode(_ column: ColumnProfile, _ cell: CellValue) -> Double {
            switch (column.kind, cell) {
            case (_, .missing): return .nan
            case (.numeric, .number(let n)): return n
            case (.numeric, .string(let s)): return Double(s) ?? .nan
            case (.categorical, .number(let n)): return Double(lookups[column.name]?[formatNumber(n)] ?? column.categories?.count ?? 0)
            case (.categorical, .string(let s)): return Double(lookups[column.name]?[s] ?? column.categories?.count ?? 0)
            }
        }
    }

    private let lock = NSLock()
    private var windows: [Key: Window] = [:]
    /// Stored windows read at start, taken up when the endpoint version first records.
    private var pending: [Key: String] = [:]
    private var thresholds: [String: Double] = [:]
    private let store: any MetadataStore
    private let metrics: PlatformMetrics
    /// `MAAS_DRIFT=off` turns recording off (to measure what it costs).
    let recording = ProcessInfo.processInfo.environment["MAAS_DRIFT"] != "off"
    /// Called when a feature's PSI rises over its endpoint's threshold (audit, log).
    var onCrossing: (@Sendable (_ project: String, _ endpoint: String, _ version: Int, _ feature: String, _ psi: Double, _ threshold: Double) async -> Void)?

    init(store: any MetadataStore, metrics: PlatformMetrics) {
        self.store = store
        self.metrics = metrics
    }

    static let windowKind = "drift-window", thresholdKind = "drift-threshold"

    /// Reads stored windows and thresholds (at start).
    func load() async throws {
        let stored = try await store.documents(kind: Self.windowKind)
        let limits = try await store.documents(kind: Self.thresholdKind)
        lock.withLock {
            for document in stored {
                guard let at = document.name.lastIndex(of: "@"), let version = Int(document.name[document.name.index(after: at)...]) else { continue }
                pending[Key(project: document.project, endpoint: String(document.name[..<at]), version: version)] = document.body
            }
            for document in limits {
                if let value = Double(document.body) { thresholds[document.project + "/" + document.name] = value }
            }
        }
    }

    /// Records one request's raw inputs and its predictions. Cheap: a lock and one append per
    /// column and row; text-only and tensor inputs without a profile record nothing.
    public func record(project: String, endpoint: String, version: Int, model: LoadedModel, input: PredictionInput, predictions: [Prediction]) {
        guard recording, let profile = model.trainingProfile else { return }
        let key = Key(project: project, endpoint: endpoint, version: version)
        lock.lock()
        defer { lock.unlock() }
        let window = window(key, profile)
        switch input {
        case .rows(let values, let rowCount):
            guard let names = model.inputColumns, values.count == rowCount * names.count else { return }
            for (c, name) in names.enumerated() {
                guard let column = profile.column(name) else { continue }
                // Appended in place (a copy out of the dictionary would copy the whole ring).
                for r in 0..<rowCount { window.columns[name, default: Ring()].append(window.encode(column, .number(Double(values[r * names.count + c])))) }
            }
        case .records(let records):
            for column in profile.columns {
                for record in records { window.columns[column.name, default: Ring()].append(window.encode(column, record[column.name] ?? .missing)) }
            }
        case .texts, .table:
            break
        }
        if let column = profile.prediction {
            for p in predictions {
                window.prediction.append(p.label.map { window.encode(column, .string($0)) } ?? p.values.first ?? .nan)
            }
        }
        window.rows += predictions.count
        window.dirty = true
    }

    struct Saved: Codable { var columns: [String: Ring]; var prediction: Ring; var rows: Int }

    /// The window of an endpoint version, made (from its stored state, if any) on first use.
    /// Call with the lock held.
    private func window(_ key: Key, _ profile: TrainingProfile) -> Window {
        if let existing = windows[key] { return existing }
        let window = Window(profile: profile)
        if let text = pending.removeValue(forKey: key), let saved = try? Self.decoder.decode(Saved.self, from: Data(text.utf8)) {
            window.columns = saved.columns
            window.prediction = saved.prediction
            window.rows = saved.rows
        }
        windows[key] = window
        return window
    }

    /// Windows hold NaN for missing values, which plain JSON cannot: written as "nan".
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()

    /// One feature's (or the predictions') comparison with training.
    public struct FeatureDrift: Sendable {
        public var name: String
        public var kind: String
        public var liveRows: Int
        public var psi: Double?
        public var jensenShannon: Double?
        public var ks: DriftStatistics.KolmogorovSmirnov?
        public var liveMissingShare: Double
        public var trainingMissingShare: Double
        public var over: Bool
    }

    public struct Report: Sendable {
        public var version: Int
        public var rowsSeen: Int
        public var threshold: Double
        public var features: [FeatureDrift]
        public var prediction: FeatureDrift?
        public var profiled: Bool
    }

    static func compare(_ column: ColumnProfile, _ ring: Ring?, threshold: Double) -> FeatureDrift {
        let values = ring?.values ?? []
        let present = values.filter { !$0.isNaN }
        var drift = FeatureDrift(name: column.name, kind: column.kind.rawValue, liveRows: values.count, psi: nil, jensenShannon: nil, ks: nil,
                                 liveMissingShare: values.isEmpty ? 0 : Double(values.count - present.count) / Double(values.count),
                                 trainingMissingShare: column.missingShare, over: false)
        guard present.count >= minimumRows else { return drift }
        let live: [Double]
        switch column.kind {
        case .numeric:
            live = column.binShares(present)
            if let sample = column.sample, !sample.isEmpty { drift.ks = DriftStatistics.kolmogorovSmirnov(sample, present) }
        case .categorical:
            var counts = [Double](repeating: 0, count: column.shares.count)
            for v in present { counts[min(Int(v), counts.count - 1)] += 1 }
            live = counts.map { $0 / Double(present.count) }
        }
        drift.psi = DriftStatistics.populationStabilityIndex(expected: column.shares, actual: live)
        drift.jensenShannon = DriftStatistics.jensenShannonDistance(column.shares, live)
        drift.over = drift.psi! > threshold
        return drift
    }

    public func threshold(project: String, endpoint: String) -> Double {
        lock.withLock { thresholds[project + "/" + endpoint] } ?? Self.defaultThreshold
    }

    public func setThreshold(project: String, endpoint: String, psi: Double) async throws {
        guard psi > 0 && psi.isFinite else { throw PlatformError.invalid(field: "psi_threshold", message: "must be a positive number, got \(psi)") }
        try await store.putDocument(project: project, kind: Self.thresholdKind, name: endpoint, body: String(psi))
        lock.withLock { thresholds[project + "/" + endpoint] = psi }
    }

    /// The drift of an endpoint version's window against its training profile.
    public func report(project: String, endpoint: String, version: Int, model: LoadedModel) -> Report {
        let threshold = self.threshold(project: project, endpoint: endpoint)
        guard let profile = model.trainingProfile else {
            return Report(version: version, rowsSeen: 0, threshold: threshold, features: [], prediction: nil, profiled: false)
        }
        let (columns, prediction, rows) = lock.withLock { () -> ([String: Ring], Ring?, Int) in
            let w = window(Key(project: project, endpoint: endpoint, version: version), profile)
            return (w.columns, w.prediction, w.rows)
        }
        return Report(version: version, rowsSeen: rows, threshold: threshold,
                      features: profile.columns.map { Self.compare($0, columns[$0.name], threshold: threshold) },
                      prediction: profile.prediction.map { Self.compare($0, prediction, threshold: threshold) }, profiled: true)
    }

    /// Writes changed windows to the store, sets the PSI gauges, and raises an event for each
    /// feature that crossed its endpoint's threshold since the last check.
    public func flush() async throws {
        let changed: [(Key, Window, Saved)] = lock.withLock {
            windows.compactMap { key, window in
                guard window.dirty else { return nil }
                window.dirty = false
                return (key, window, Saved(columns: window.columns, prediction: window.prediction, rows: window.rows))
            }
        }
        for (key, window, saved) in changed {
            let body = String(decoding: try Self.encoder.encode(saved), as: UTF8.self)
            try await store.putDocument(project: key.project, kind: Self.windowKind, name: "\(key.endpoint)@\(key.version)", body: body)
            let threshold = self.threshold(project: key.project, endpoint: key.endpoint)
            let features = window.profile.columns.map { Self.compare($0, saved.columns[$0.name], threshold: threshold) }
                + [window.profile.prediction.map { Self.compare($0, saved.prediction, threshold: threshold) }].compactMap { $0 }
            var crossed: [FeatureDrift] = []
            lock.withLock {
                for feature in features {
                    if feature.over { if window.over.insert(feature.name).inserted { crossed.append(feature) } }
                    else { window.over.remove(feature.name) }
                }
            }
            for feature in features where feature.psi != nil {
                metrics.setDrift(project: key.project, endpoint: key.endpoint, feature: feature.name, psi: feature.psi!)
            }
            for feature in crossed { await onCrossing?(key.project, key.endpoint, key.version, feature.name, feature.psi ?? 0, threshold) }
        }
    }
}

extension LoadedModel {
    /// The training profile stored with the artifact (classical pipelines and tabular networks).
    public var trainingProfile: TrainingProfile? {
        switch body {
        case .pipeline(let artifact, _): return artifact.profile
        case .network(let artifact, _): return artifact.profile
        case .encoder, .language, .recommender, .forecaster, .speech: return nil
        }
    }
}
