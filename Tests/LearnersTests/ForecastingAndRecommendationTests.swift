import Datasets
import Foundation
import Learners
import Tensor
import Testing

struct HoltWintersReference: Decodable, Sendable, CustomTestStringConvertible {
    let series: String, seasonal: String, length: Int
    let forecast: [Double], sse: Double, ets_lower: [Double], ets_upper: [Double]
    var testDescription: String { "\(series) (\(seasonal))" }

    static let all: [HoltWintersReference] = {
        struct File: Decodable { let cases: [HoltWintersReference] }
        let url = Bundle.module.url(forResource: "statsmodels_holt_winters", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()
}

/// Monthly series from the statsmodels wheel (scripts/fetch_sklearn_data.sh).
func statsmodelsSeries(_ name: String) throws -> [Double] {
    let root = ProcessInfo.processInfo.environment["STATSMODELS_DATA_DIR"]
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../data/statsmodels").standardized.path
    let table = try CSVReader().read(path: "\(root)/\(name).csv")
    if name == "elnino" {
        // One row per year, one column per month.
        return (0..<table.rowCount).flatMap { r in table.columns.dropFirst().map { column -> Double in
            guard case .numeric(let v) = column.data else { return .nan }
            return v[r]
        } }
    }
    guard case .numeric(let values) = table.columns[1].data else { return [] }
    return values
}

@Suite struct HoltWintersAgainstStatsmodels {
    @Test(arguments: HoltWintersReference.all)
    func forecastsAndIntervals(_ reference: HoltWintersReference) throws {
        let y = try statsmodelsSeries(reference.series)
        #expect(y.count == reference.length)
        var model = HoltWinters(seasonLength: 12, seasonality: reference.seasonal == "additive" ? .additive : .multiplicative)
        try model.fit(y)
        // Both minimise the in-sample squared one-step error; ours must be as good within 5%.
        #expect(model.sumOfSquaredErrors <= reference.sse * 1.05, "SSE \(model.sumOfSquaredErrors) vs statsmodels \(reference.sse)")
        let forecast = model.forecast(24)
        let difference = zip(forecast, reference.forecast).map { Swift.abs($0.value - $1) / Swift.abs($1) }.reduce(0, +) / 24
        #expect(difference < 0.02, "forecasts differ from statsmodels' by \(difference * 100)% on average")
        // 95% intervals: close to the ETS state-space model's one step ahead, widening after.
        let ours = forecast[0].upper - forecast[0].lower, theirs = reference.ets_upper[0] - reference.ets_lower[0]
        #expect(Swift.abs(ours - theirs) / theirs < 0.15, "interval width \(ours) vs statsmodels ETS \(theirs)")
        #expect(forecast[23].upper - forecast[23].lower > ours)
        #expect(forecast.allSatisfy { $0.lower < $0.value && $0.value < $0.upper })
    }

    struct DampedReference: Decodable, Sendable, CustomTestStringConvertible {
        let series: String, seasonal: String, length: Int, forecast: [Double], sse: Double, phi: Double
        var testDescription: String { "\(series) damped (\(seasonal))" }
    }

    struct AutoRegReference: Decodable, Sendable, CustomTestStringConvertible {
        let series: String, lags: [Int], trend: String, length: Int
        let params: [Double], sigma2: Double, forecast: [Double], lower: [Double], upper: [Double]
        var testDescription: String { "\(series) lags \(lags) (\(trend))" }
    }

    struct Fixture: Decodable { let damped: [DampedReference]; let autoreg: [AutoRegReference] }
    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "statsmodels_holt_winters", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    @Test(arguments: fixture.damped)
    func dampedTrend(_ reference: DampedReference) throws {
        let y = try statsmodelsSeries(reference.series)
        var model = HoltWinters(seasonLength: 12, seasonality: reference.seasonal == "additive" ? .additive : .multiplicative, damped: true)
        try model.fit(y)
        #expect(model.sumOfSquaredErrors <= reference.sse * 1.05, "SSE \(model.sumOfSquaredErrors) vs statsmodels \(reference.sse)")
        #expect((0.8...0.995).contains(model.phi))
        let forecast = model.forecastPath(24).values
        let difference = zip(forecast, reference.forecast).map { Swift.abs($0 - $1) / Swift.abs($1) }.reduce(0, +) / 24
        #expect(difference < 0.02, "damped forecasts differ from statsmodels' by \(difference * 100)% on average")
        // Damping bends the trend: the forecast's trend part grows by less each step.
        var undamped = HoltWinters(seasonLength: 12, seasonality: model.seasonality)
        try undamped.fit(y)
        #expect(model.phi < 1 && model.sumOfSquaredErrors <= undamped.sumOfSquaredErrors * 1.01)
    }

    /// Least squares has one answer: coefficients, forecasts and intervals agree with
    /// statsmodels' AutoReg to rounding.
    @Test(arguments: fixture.autoreg)
    func autoregressionMatchesAutoReg(_ reference: AutoRegReference) throws {
        let y = try statsmodelsSeries(reference.series)
        var model = AutoRegression(lags: reference.lags, timeTrend: reference.trend == "linear")
        try model.fit(y)
        let ours = [model.intercept] + (model.timeTrend ? [model.slope] : []) + model.coefficients
        for (a, b) in zip(ours, reference.params) { #expect(Swift.abs(a - b) <= 1e-6 * max(1, Swift.abs(b)), "\(ours) vs \(reference.params)") }
        #expect(Swift.abs(model.sigma * model.sigma - reference.sigma2) <= 1e-6 * reference.sigma2)
        let path = model.forecastPath(24), interval = path.interval(0.95)
        for h in 0..<24 {
            #expect(Swift.abs(path.values[h] - reference.forecast[h]) <= 1e-6 * Swift.abs(reference.forecast[h]))
            #expect(Swift.abs(interval.lower[h] - reference.lower[h]) <= 1e-5 * Swift.abs(reference.lower[h]))
            #expect(Swift.abs(interval.upper[h] - reference.upper[h]) <= 1e-5 * Swift.abs(reference.upper[h]))
        }
    }

    /// Windows `horizon` apart, the last ending at the series' end; a perfectly seasonal series
    /// scores 0 everywhere, and a short one allows fewer windows.
    @Test func rollingOriginWindows() throws {
        let y = (0..<60).map { 10 + Double($0 % 12) }
        let model = SeriesModel.autoregressive(AutoRegression(lags: [12]))
        let scores = try RollingOrigin.evaluate(model, y, horizon: 6, origins: 3, naivePeriod: 12)
        #expect(scores.windows == 3 && scores.means.smape < 1e-9 && scores.means.mae < 1e-9)
        #expect(RollingOrigin.windows(length: 30, horizon: 6, origins: 3, minimumLength: 17) == 2)
        #expect(RollingOrigin.windows(length: 20, horizon: 6, origins: 3, minimumLength: 17) == 0)
    }

    @Test func rejectsSeriesItCannotFit() {
        var model = HoltWinters(seasonLength: 12, seasonality: .multiplicative)
        #expect { try model.fit(Array(repeating: 1, count: 20)) } throws: { "\($0)".contains("at least two seasons") }
        #expect { try model.fit((0..<40).map { Double($0) - 5 }) } throws: { "\($0)".contains("needs positive values") }
    }
}

@Suite struct MatrixFactorizationALS {
    /// Ratings from hidden rank-3 user and item factors; 30% observed, a held-out tenth scored.
    static func ratings(seed: UInt64) -> (train: [Rating], test: [Rating]) {
        var rng = SeededGenerator(seed: seed)
        let users = (0..<200).map { _ in (0..<3).map { _ in Double(rng.nextNormal()) } }
        let items = (0..<100).map { _ in (0..<3).map { _ in Double(rng.nextNormal()) } }
        var train: [Rating] = [], test: [Rating] = []
        for u in 0..<200 { for i in 0..<100 where rng.nextUniform() < 0.3 {
            let r = Rating(user: u, item: i, value: 3 + zip(users[u], items[i]).reduce(0) { $0 + $1.0 * $1.1 } + 0.1 * Double(rng.nextNormal()))
            if rng.nextUniform() < 0.1 { test.append(r) } else { train.append(r) }
        } }
        return (train, test)
    }

    @Test func explicitRatingsRecoverHeldOutValues() throws {
        let (train, test) = Self.ratings(seed: 1)
        var model = MatrixFactorization(factors: 4, regularization: 0.01, iterations: 15)
        try model.fit(train, users: 200, items: 100)
        let mean = train.reduce(0) { $0 + $1.value } / Double(train.count)
        let rmse = Metrics.rootMeanSquaredError(test.map(\.value), test.map { model.predict(user: $0.user, item: $0.item) })
        let baseline = Metrics.rootMeanSquaredError(test.map(\.value), test.map { _ in mean })
        #expect(rmse < 0.35 * baseline, "held-out RMSE \(rmse) vs global-mean baseline \(baseline)")
        let recommended = model.recommend(user: 7, count: 10)
        let seen = Set(train.filter { $0.user == 7 }.map(\.item))
        #expect(recommended.count == 10 && recommended.allSatisfy { !seen.contains($0.item) })
        #expect(zip(recommended, recommended.dropFirst()).allSatisfy { $0.score >= $1.score })
    }

    /// Implicit feedback: users interact with the items their hidden factors like most; the
    /// model must rank held-out interactions far above chance (precision@10).
    @Test func implicitFeedbackRanksHeldOutItems() throws {
        var rng = SeededGenerator(seed: 2)
        let users = (0..<150).map { _ in (0..<3).map { _ in Double(rng.nextNormal()) } }
        let items = (0..<120).map { _ in (0..<3).map { _ in Double(rng.nextNormal()) } }
        var train: [Rating] = [], held: [Int: Set<Int>] = [:]
        for u in 0..<150 {
            let liked = (0..<120).sorted { zip(users[u], items[$0]).reduce(0) { $0 + $1.0 * $1.1 } > zip(users[u], items[$1]).reduce(0) { $0 + $1.0 * $1.1 } }.prefix(20)
            for (n, i) in liked.enumerated() {
                if n % 4 == 0 { held[u, default: []].insert(i) } else { train.append(Rating(user: u, item: i, value: 1)) }
            }
        }
        var model = MatrixFactorization(factors: 6, regularization: 0.1, iterations: 10, implicit: true, confidence: 20)
        try model.fit(train, users: 150, items: 120)
        let precision = (0..<150).map { u in Metrics.precisionAtK(model.recommend(user: u, count: 10).map(\.item), relevant: held[u]!, k: 10) }
            .reduce(0, +) / 150
        // Chance: 5 held-out items among the 105 unseen → 0.048.
        #expect(precision > 0.25, "precision@10 \(precision)")
        let ndcg = (0..<150).map { u in Metrics.ndcgAtK(model.recommend(user: u, count: 10).map(\.item), relevant: held[u]!, k: 10) }
            .reduce(0, +) / 150
        #expect(ndcg > 0.25, "NDCG@10 \(ndcg)")
    }
}

@Suite struct SeriesArtifacts {
    /// Many series of both kinds round-trip with their time axes.
    @Test func forecasterRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maas-forecaster-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for spec in [#"{"algorithm": "holt_winters", "season_length": 12, "seasonal": "multiplicative", "damped": true}"#,
                     #"{"algorithm": "autoregressive", "lags": 2, "seasonal_lags": 2, "season_length": 12, "trend": "linear"}"#] {
            let learner = try LearnerSpec.parse(spec)
            var models: [SeriesModel] = []
            for name in ["elec_equip", "elnino"] {
                var model = try SeriesModel(learner)
                try model.fit(try statsmodelsSeries(name))
                models.append(model)
            }
            let axis = TimeAxis(last: 1_700_000_000, step: 1, unit: .month, style: .date)
            let entries = [ForecasterArtifact.SeriesEntry(id: "equipment", points: 257, axis: axis), .init(id: "sea", points: 732, axis: nil)]
            try ArtifactDirectory.write(try ForecasterArtifact(learner: learner, target: "value", series: entries, metrics: [:], lineage: [:]).files(models),
                                        to: directory)
            let (artifact, loaded) = try ForecasterArtifact.load(from: directory)
            #expect(artifact.series.map(\.id) == ["equipment", "sea"] && artifact.series[0].axis == axis && artifact.series[1].axis == nil)
            for (a, b) in zip(models, loaded) { #expect(a.forecastPath(24) == b.forecastPath(24), "\(spec)") }
        }
    }

    @Test func recommenderRoundTrip() throws {
        let (train, _) = MatrixFactorizationALS.ratings(seed: 4)
        var model = MatrixFactorization(factors: 3, iterations: 5)
        try model.fit(train, users: 200, items: 100)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maas-recommender-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try RecommenderArtifact(learner: LearnerSpec(.matrixFactorization), users: (0..<200).map { "u\($0)" },
                                items: (0..<100).map { "i\($0)" }, metrics: [:], lineage: [:]).save(model, to: directory)
        let (artifact, loaded) = try RecommenderArtifact.load(from: directory)
        #expect(artifact.users.count == 200)
        for user in [0, 17, 199] {
            #expect(loaded.recommend(user: user, count: 10).map(\.item) == model.recommend(user: user, count: 10).map(\.item))
        }
    }
}

@Suite struct RankingMetricTests {
    /// MAP@k's per-user term by hand: hits at ranks 1 and 3 of relevant {a, c, x} give
    /// (1/1 + 2/3) / min(3, 3).
    @Test func averagePrecisionAtK() {
        #expect(abs(Metrics.averagePrecisionAtK([1, 2, 3, 4], relevant: [1, 3, 9], k: 4) - (1 + 2.0 / 3) / 3) < 1e-12)
        #expect(Metrics.averagePrecisionAtK([5, 6], relevant: [1], k: 2) == 0)
        #expect(Metrics.averagePrecisionAtK([1], relevant: [1, 2, 3], k: 1) == 1)
        #expect(Metrics.averagePrecisionAtK([], relevant: [], k: 10) == 0)
    }
}
