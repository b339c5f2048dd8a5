import Datasets
import Foundation
import Hummingbird
import Platform

extension APIServer {
    static func datasetJSON(_ d: DatasetRecord) -> String {
        "{\"name\":\(JSONWriter.quote(d.name)),\"format\":\(JSONWriter.quote(d.format)),\"sha256\":\(JSONWriter.quote(d.sha256)),"
            + "\"bytes\":\(d.bytes),\"rows\":\(d.rows),\"created_at\":\(JSONWriter.quote(d.createdAt.formatted(.iso8601)))}"
    }

    static func schemaJSON(_ schema: Schema, _ preview: [[String?]]) -> String {
        let columns = schema.columns.map { c -> String in
            var fields = ["\"name\":\(JSONWriter.quote(c.name))", "\"kind\":\(JSONWriter.quote(c.kind.rawValue))",
                          "\"count\":\(c.count)", "\"missing\":\(c.missing)"]
            for (key, value) in [("mean", c.mean), ("std", c.std), ("min", c.min), ("max", c.max)] {
                if let value { fields.append("\"\(key)\":\(JSONWriter.number(value))") }
            }
            if let unique = c.unique { fields.append("\"unique\":\(unique)") }
            if let top = c.top {
                fields.append("\"top\":[" + top.map { "{\"value\":\(JSONWriter.quote($0.value)),\"count\":\($0.count)}" }.joined(separator: ",") + "]")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let rows = preview.map { "[" + $0.map { $0.map(JSONWriter.quote) ?? "null" }.joined(separator: ",") + "]" }
        return "\"schema\":{\"row_count\":\(schema.rowCount),\"columns\":[\(columns.joined(separator: ","))]},\"preview\":[\(rows.joined(separator: ","))]"
    }

    static func addDatasetRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // The body is the file itself, streamed to disk (never held whole in memory).
        api.route(.POST, "/v1/datasets/{name}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let format = request.uri.queryParameters.get("format") ?? "csv"
            let chunks = request.body.map { Array($0.readableBytesView) }
            let record = try await s.datasets.upload(project: caller.project, name: try context.parameters.require("name"),
                                                     format: format, chunks: chunks)
            return jsonResponse(datasetJSON(record), status: .created)
        }
        api.route(.GET, "/v1/datasets", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            return jsonResponse("{\"datasets\":[" + (try await s.datasets.list(project: caller.project)).map(datasetJSON).joined(separator: ",") + "]}")
        }
        api.route(.GET, "/v1/datasets/{name}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let record = try await s.datasets.record(project: caller.project, name: try context.parameters.require("name"))
            var text = String(datasetJSON(record).dropLast())
            if let description = try s.datasets.describe(record) { text += "," + schemaJSON(description.schema, description.preview) }
            return jsonResponse(text + "}")
        }
        api.route(.DELETE, "/v1/datasets/{name}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.write)
            try await s.datasets.delete(project: caller.project, name: try context.parameters.require("name"))
            return Response(status: .noContent)
        }
    }
}
