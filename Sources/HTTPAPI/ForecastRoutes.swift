import Datasets
import Foundation
import Hummingbird
import Platform

extension APIServer {
    /// A forecaster endpoint: the next `horizon` values of a series, with the timestamps they are
    /// for and prediction intervals at the asked coverage levels.
    static func addForecastRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        api.route(.POST, "/v1/endpoints/{name}/forecast", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.infer)
            let name = try context.parameters.require("name")
            let target = try await s.endpoints.target(for: caller, endpoint: name)
            guard case .forecaster(let forecaster) = target.model.body else {
                throw PlatformError.invalid(field: "name", message: "endpoint '\(name)' serves a \(target.model.kind) model, not a forecaster")
            }
            let body = try await request.json(context).fields(["horizon", "series", "intervals"])
            var horizon = forecaster.defaultHorizon
            if let value = body["horizon"] {
                // The range is the forecaster's to check.
                guard let h = value.integer else {
                    throw PlatformError.invalid(field: "horizon", message: "must be an integer from 1 to \(Forecaster.maximumHorizon)")
                }
                horizon = h
            }
            var series: String?
            if let value = body["series"] {
                guard let text = value.string, !text.isEmpty else { throw PlatformError.invalid(field: "series", message: "must be a series id (a non-empty string)") }
                series = text
            }
            var levels = [0.95]
            if let value = body["intervals"] {
                guard let elements = value.elements else {
                    throw PlatformError.invalid(field: "intervals", message: "must be an array of coverage levels between 0 and 1, such as [0.8, 0.95]")
                }
                levels = try elements.enumerated().map { i, element in
                    guard let level = element.number else { throw PlatformError.invalid(field: "intervals[\(i)]", message: "must be a number between 0 and 1") }
                    // Number arrays arrive as Float: 0.8 is read back as the 0.8 the client wrote.
                    return Double("\(Float(level))") ?? level
                }
            }
            let result = try forecaster.forecast(series: series, horizon: horizon, levels: levels)
            s.usage.record(project: caller.project, keyID: caller.keyID, rows: horizon)
            func numbers(_ values: [Double]) -> String { "[" + values.map(JSONWriter.number).joined(separator: ",") + "]" }
            let timestamps = result.timestamps.map { stamp -> String in
                switch stamp {
                case .number(let n): return JSONWriter.number(n)
                case .text(let t): return JSONWriter.quote(t)
                }
            }
            let intervals = result.intervals.map {
                "{\"level\":\(JSONWriter.number($0.level)),\"lower\":\(numbers($0.lower)),\"upper\":\(numbers($0.upper))}"
            }
            return jsonResponse("{\"endpoint\":\(JSONWriter.quote(name)),\"model\":\(JSONWriter.quote(target.version.name)),\"version\":\(target.version.version),"
                                + "\"series\":\(JSONWriter.quote(result.series)),\"horizon\":\(horizon),\"timestamps\":[\(timestamps.joined(separator: ","))],"
                                + "\"forecast\":\(numbers(result.values)),\"intervals\":[\(intervals.joined(separator: ","))]}")
        }
    }
}
