import Foundation
import Tensor

/// A hyperparameter search job: `POST /v1/tuning-jobs`.
///
/// ```json
/// {"name": "wine", "dataset": "wine", "target": "target", "spec": {"algorithm": "random_forest"},
///  "validation": {"kfold": 5}, "seed": 1,
///  "space": {"spec.n_estimators": {"int": [10, 300]}, "spec.max_features": {"uniform": [0.1, 1.0]},
///            "spec.criterion": {"choice": ["gini", "entropy"]}},
///  "sampler": "tpe", "objective": {"metric": "cv_accuracy", "direction": "maximize"},
///  "trials": 32, "parallelism": 4,
///  "early_stopping": {"min_epochs": 2, "reduction": 3}}
/// ```
///
/// Every field of the training request except `space`, `sampler`, `objective`, `trials`,
/// `parallelism` and `early_stopping` is the base each trial starts from; `space` names fields
/// of that request by path (`spec.optimizer.lr`, `spec.layers.0.units`, `preprocessing.…`) and
/// how to draw each. Each trial is a task any worker may run; the best trial's configuration is
/// then trained and registered as a version whose lineage holds the whole search.
public struct TuningRequest: Sendable {
    /// The training request every trial starts from (the submitted one without the search fields).
    public var baseText: String
    public var space: [Dimension]
    public var sampler: Sampler
    public var metric: String
    public var maximize: Bool
    public var trials: Int
    public var parallelism: Int
    public var seed: UInt64
    /// Successive halving over epochs (networks): rung r trains the best 1/reduction of rung
    /// r − 1 for min_epochs × reduction^r epochs, up to the spec's epochs.
    public var halving: (minEpochs: Int, reduction: Int, maxEpochs: Int)?
    public var modelName: String
    public var dataset: String

    public enum Sampler: String, Sendable, CaseIterable { case grid, random, tpe }

    /// One searched field and how it is drawn.
    public struct Dimension: Sendable {
        public enum Kind: Sendable, Equatable {
            case integer(Int, Int)
            case uniform(Double, Double)
            case logUniform(Double, Double)
            case choice([String])  // JSON texts of the choices
        }
        public var path: String
        public var kind: Kind

        /// Where a numeric value lies in [0, 1] (log scale for log-uniform); nil for choices.
        func unit(_ value: Double) -> Double? {
            switch kind {
            case .integer(let lo, let hi): return hi == lo ? 0.5 : (value - Double(lo)) / Double(hi - lo)
            case .uniform(let lo, let hi): return hi == lo ? 0.5 : (value - lo) / (hi - lo)
            case .logUniform(let lo, let hi): return hi == lo ? 0.5 : (log(value) - log(lo)) / (log(hi) - log(lo))
            case .choice: return nil
            }
        }

        /// The value at `u` in [0, 1] as JSON text.
        func value(atUnit u: Double) -> String {
            let u = min(1, max(0, u))
            switch kind {
            case .integer(let lo, let hi): return String(min(hi, lo + Int((u * Double(hi - lo + 1)).rounded(.down))))
            case .uniform(let lo, let hi): return jsonNumber(lo + u * (hi - lo))
            case .logUniform(let lo, let hi): return jsonNumber(exp(log(lo) + u * (log(hi) - log(lo))))
            case .choice(let options): return options[min(options.count - 1, Int(u * Double(options.count)))]
            }
        }
    }

    static let searchFields: Set<String> = ["space", "sampler", "objective", "trials", "parallelism", "early_stopping"]

    public static func parse(_ text: String) throws -> TuningRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw PlatformError.invalid(field: "body", message: "expected a JSON object")
        }
        for key in object.keys where !searchFields.contains(key) && !TrainingJobRequest.fields.contains(key) {
            throw PlatformError.invalid(field: key, message: "unknown field; allowed: \((searchFields.union(TrainingJobRequest.fields)).sorted().joined(separator: ", "))")
        }
        var base = object
        for key in searchFields { base[key] = nil }
        let baseText = String(decoding: try JSONSerialization.data(withJSONObject: base, options: [.sortedKeys]), as: UTF8.self)
        let baseRequest = try TrainingJobRequest.parse(baseText)

        guard let spaceObject = object["space"] as? [String: Any], !spaceObject.isEmpty else {
            throw PlatformError.invalid(field: "space", message: "is required: an object of fields to search, e.g. {\"spec.max_depth\": {\"int\": [2, 12]}}")
        }
        var space: [Dimension] = []
        for path in spaceObject.keys.sorted() {
            let field = "space." + path
            guard let rule = spaceObject[path] as? [String: Any], rule.count == 1, let (name, value) = rule.first.map({ ($0.key, $0.value) }) else {
                throw PlatformError.invalid(field: field, message: "must be one of {\"int\": [lo, hi]}, {\"uniform\": [lo, hi]}, {\"log\": [lo, hi]}, {\"choice\": [values…]}")
            }
            guard path.hasPrefix("spec.") || path.hasPrefix("preprocessing.") || ["epochs", "seed"].contains(path) else {
                throw PlatformError.invalid(field: field, message: "searches fields of spec, preprocessing, epochs or seed")
            }
            let kind: Dimension.Kind
            switch name {
            case "int", "uniform", "log":
                guard let bounds = value as? [NSNumber], bounds.count == 2 else { throw PlatformError.invalid(field: field + "." + name, message: "must be [lo, hi]") }
                let (lo, hi) = (bounds[0].doubleValue, bounds[1].doubleValue)
                guard lo.isFinite, hi.isFinite, lo <= hi else { throw PlatformError.invalid(field: field + "." + name, message: "is an empty range: [\(lo), \(hi)]") }
                if name == "int" {
                    guard lo == lo.rounded(), hi == hi.rounded() else { throw PlatformError.invalid(field: field + ".int", message: "bounds must be integers") }
                    kind = .integer(Int(lo), Int(hi))
                } else if name == "log" {
                    guard lo > 0 else { throw PlatformError.invalid(field: field + ".log", message: "bounds must be positive, got \(lo)") }
                    kind = .logUniform(lo, hi)
                } else {
                    kind = .uniform(lo, hi)
                }
            case "choice":
                guard let options = value as? [Any], !options.isEmpty else { throw PlatformError.invalid(field: field + ".choice", message: "is empty: give one or more values") }
                kind = .choice(try options.map { String(decoding: try JSONSerialization.data(withJSONObject: [$0], options: [.fragmentsAllowed]), as: UTF8.self).dropFirst().dropLast().description })
            default:
                throw PlatformError.invalid(field: field, message: "unknown distribution '\(name)'; allowed: choice, int, log, uniform")
            }
            space.append(Dimension(path: path, kind: kind))
        }

        let sampler: Sampler
        if let text = object["sampler"] {
            guard let name = text as? String, let parsed = Sampler(rawValue: name) else {
                throw PlatformError.invalid(field: "sampler", message: "must be one of \(Sampler.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sampler = parsed
        } else {
            sampler = .tpe
        }
        if sampler == .grid, let continuous = space.first(where: { if case .integer = $0.kind { return false }; if case .choice = $0.kind { return false }; return true }) {
            throw PlatformError.invalid(field: "space." + continuous.path, message: "a grid searches int ranges and choices; give this field as {\"choice\": [...]}")
        }
        guard let objective = object["objective"] as? [String: Any], let metric = objective["metric"] as? String, !metric.isEmpty else {
            throw PlatformError.invalid(field: "objective", message: "is required: {\"metric\": \"cv_accuracy\", \"direction\": \"maximize\"}")
        }
        for key in objective.keys where !["metric", "direction"].contains(key) {
            throw PlatformError.invalid(field: "objective." + key, message: "unknown field; allowed: direction, metric")
        }
        let direction = objective["direction"] as? String ?? "maximize"
        guard ["maximize", "minimize"].contains(direction) else {
            throw PlatformError.invalid(field: "objective.direction", message: "must be maximize or minimize")
        }
        func integer(_ key: String, in range: ClosedRange<Int>, default value: Int) throws -> Int {
            guard let raw = object[key] else { return value }
            guard let number = raw as? NSNumber, let int = Int(exactly: number.doubleValue), range.contains(int) else {
                throw PlatformError.invalid(field: key, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return int
        }
        let trials = try integer("trials", in: 1...1000, default: 20)
        let parallelism = try integer("parallelism", in: 1...64, default: 4)
        var halving: (Int, Int, Int)?
        if let rule = object["early_stopping"] {
            guard let rule = rule as? [String: Any] else { throw PlatformError.invalid(field: "early_stopping", message: "must be {\"min_epochs\": e, \"reduction\": 3}") }
            for key in rule.keys where !["min_epochs", "reduction"].contains(key) {
                throw PlatformError.invalid(field: "early_stopping." + key, message: "unknown field; allowed: min_epochs, reduction")
            }
            guard case .network(let spec) = baseRequest.recipe else {
                throw PlatformError.invalid(field: "early_stopping", message: "stops trials on their epoch metrics: it needs a network spec")
            }
            let maxEpochs = baseRequest.epochs ?? spec.epochs
            guard let minEpochs = (rule["min_epochs"] as? NSNumber)?.intValue, (1...maxEpochs).contains(minEpochs) else {
                throw PlatformError.invalid(field: "early_stopping.min_epochs", message: "must be an integer from 1 to the spec's epochs (\(maxEpochs))")
            }
            let reduction = (rule["reduction"] as? NSNumber)?.intValue ?? 3
            guard (2...10).contains(reduction) else { throw PlatformError.invalid(field: "early_stopping.reduction", message: "must be an integer from 2 to 10") }
            halving = (minEpochs, reduction, maxEpochs)
        }
        var request = TuningRequest(baseText: baseText, space: space, sampler: sampler, metric: metric,
                                    maximize: direction == "maximize", trials: trials, parallelism: parallelism,
                                    seed: baseRequest.seed ?? 0, halving: halving, modelName: baseRequest.modelName, dataset: baseRequest.dataset)
        // Every field must exist where the request can take it: the lowest and highest values of
        // each dimension make requests that must parse (an unknown field is named here, not in a trial).
        for dimension in space {
            for u in [0.0, 1.0] {
                do { _ = try TrainingJobRequest.parse(try request.trialText([dimension.path: dimension.value(atUnit: u)])) }
                catch PlatformError.invalid(let field, let message) {
                    throw PlatformError.invalid(field: "space." + dimension.path, message: "\(field): \(message)")
                }
            }
        }
        if sampler == .grid { request.trials = min(trials, request.gridSize) }
        return request
    }

    /// The training request of a trial: the base with each searched field set (`params` maps a
    /// path to a JSON value), and `epochs` when a rung of successive halving gives it.
    public func trialText(_ params: [String: String], epochs: Int? = nil) throws -> String {
        var object = (try JSONSerialization.jsonObject(with: Data(baseText.utf8))) as? [String: Any] ?? [:]
        for (path, value) in params {
            let parsed = try JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])
            try Self.set(&object, path: path.split(separator: ".").map(String.init), to: parsed, field: "space." + path)
        }
        if let epochs { object["epochs"] = epochs }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Sets a value by path in nested objects and arrays; the containers on the way must exist.
    static func set(_ object: inout [String: Any], path: [String], to value: Any, field: String) throws {
        guard let head = path.first else { return }
        if path.count == 1 { object[head] = value; return }
        if var child = object[head] as? [String: Any] {
            try set(&child, path: Array(path.dropFirst()), to: value, field: field)
            object[head] = child
        } else if var array = object[head] as? [Any], let index = Int(path[1]), array.indices.contains(index) {
            if path.count == 2 { array[index] = value } else {
                guard var element = array[index] as? [String: Any] else { throw PlatformError.invalid(field: field, message: "'\(path[1])' is not an object") }
                try set(&element, path: Array(path.dropFirst(2)), to: value, field: field)
                array[index] = element
            }
            object[head] = array
        } else {
            throw PlatformError.invalid(field: field, message: "'\(head)' is not an object in the request (nor an array holding index \(path.count > 1 ? path[1] : ""))")
        }
    }

    var gridSize: Int {
        space.reduce(1) { size, dimension in
            switch dimension.kind {
            case .integer(let lo, let hi): return size * (hi - lo + 1)
            case .choice(let options): return size * options.count
            default: return size
            }
        }
    }

    /// A score for ranking: higher is better whatever the direction.
    func gain(_ metrics: [String: Double]) -> Double? {
        guard let value = metrics[metric], value.isFinite else { return nil }
        return maximize ? value : -value
    }
}

/// Proposes trial configurations. Deterministic: the same seed, index and finished trials give
/// the same proposal, so a tuning job resumed after a crash proposes what it would have.
struct TrialSampler {
    let request: TuningRequest

    /// A finished trial: its values (JSON texts by path) and its gain (higher is better).
    struct Observation { var params: [String: String]; var gain: Double }

    func propose(index: Int, finished: [Observation]) -> [String: String] {
        var rng = SeededGenerator(seed: request.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &+ 1)
        switch request.sampler {
        case .grid: return grid(index)
        case .random: return random(&rng)
        case .tpe:
            // Optuna's defaults: 10 random startup trials, then 24 candidates per proposal.
            return finished.count < 10 ? random(&rng) : tpe(finished, &rng)
        }
    }

    func random(_ rng: inout SeededGenerator) -> [String: String] {
        Dictionary(uniqueKeysWithValues: request.space.map { ($0.path, $0.value(atUnit: Double(rng.next() >> 11) / Double(1 << 53))) })
    }

    func grid(_ index: Int) -> [String: String] {
        var rest = index
        var params: [String: String] = [:]
        for dimension in request.space.reversed() {
            let options: [String]
            switch dimension.kind {
            case .integer(let lo, let hi): options = (lo...hi).map(String.init)
            case .choice(let values): options = values
            default: options = [dimension.value(atUnit: 0.5)]
            }
            params[dimension.path] = options[rest % options.count]
            rest /= options.count
        }
        return params
    }

    /// Univariate TPE (Bergstra et al. 2011, as Optuna's default sampler): the finished trials
    /// split into the best γ(n) = min(⌈0.1 n⌉, 25) and the rest; per dimension a Parzen
    /// estimator over each group (Gaussians at the observations on the unit scale, with a
    /// uniform prior); of 24 candidates drawn from the good estimator, the one with the highest
    /// l(x) / g(x) is proposed.
    func tpe(_ finished: [Observation], _ rng: inout SeededGenerator) -> [String: String] {
        let ranked = finished.sorted { $0.gain > $1.gain }
        let goodCount = min(Int((0.1 * Double(ranked.count)).rounded(.up)), 25)
        let (good, bad) = (Array(ranked.prefix(goodCount)), Array(ranked.dropFirst(goodCount)))
        var params: [String: String] = [:]
        func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        for dimension in request.space {
            if case .choice(let options) = dimension.kind {
                // Categorical: smoothed counts, one pseudo-observation per option as the prior.
                func weights(_ group: [Observation]) -> [Double] {
                    options.map { option in 1.0 / Double(options.count) + Double(group.filter { $0.params[dimension.path] == option }.count) }
                }
                let (l, g) = (weights(good), weights(bad))
                let (lSum, gSum) = (l.reduce(0, +), g.reduce(0, +))
                var best = 0, bestRatio = -Double.infinity
                for _ in 0..<24 {
                    var draw = uniform() * lSum, pick = 0
                    while pick < options.count - 1 && draw >= l[pick] { draw -= l[pick]; pick += 1 }
                    let ratio = (l[pick] / lSum) / (g[pick] / gSum)
                    if ratio > bestRatio { bestRatio = ratio; best = pick }
                }
                params[dimension.path] = options[best]
                continue
            }
            func points(_ group: [Observation]) -> [Double] { group.compactMap { $0.params[dimension.path].flatMap(Double.init).flatMap(dimension.unit) } }
            let (lPoints, gPoints) = (points(good), points(bad))
            // Bandwidth: Scott's rule on the unit scale, floored so one observation still spreads.
            func bandwidth(_ p: [Double]) -> Double { max(0.05, min(0.5, 1.06 * Double(p.count + 1).squareRoot() / Double(p.count + 1))) }
            let (lWidth, gWidth) = (bandwidth(lPoints), bandwidth(gPoints))
            func density(_ x: Double, _ p: [Double], _ width: Double) -> Double {
                // Prior: uniform on [0, 1] with one observation's weight.
                var sum = 1.0
                for mean in p { sum += exp(-0.5 * pow((x - mean) / width, 2)) / (width * (2 * Double.pi).squareRoot()) }
                return sum / Double(p.count + 1)
            }
            var best = 0.5, bestRatio = -Double.infinity
            for _ in 0..<24 {
                // Draw from the good estimator: the prior or one of its Gaussians (Box–Muller).
                let pick = Int(uniform() * Double(lPoints.count + 1))
                var x: Double
                if pick >= lPoints.count { x = uniform() } else {
                    let normal = (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * Double.pi * uniform())
                    x = lPoints[pick] + lWidth * normal
                }
                x = min(1, max(0, x))
                let ratio = density(x, lPoints, lWidth) / density(x, gPoints, gWidth)
                if ratio > bestRatio { bestRatio = ratio; best = x }
            }
            params[dimension.path] = dimension.value(atUnit: best)
        }
        return params
    }
}
