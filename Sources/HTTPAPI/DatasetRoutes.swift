import Datasets
import Foundation
import Hummingbird
import Platform

extension APIServer {
    static func datasetJSON(_ d: DatasetRecord) -> String {
        let policies = d.policies.keys.sorted().map { "\(JSONWriter.quote($0)):\(JSONWriter.quote(d.policies[$0]!))" }.joined(separator: ",")
        return "{\"name\":\(JSONWriter.quote(d.name)),\"format\":\(JSONWriter.quote(d.format)),\"sha256\":\(JSONWriter.quote(d.sha256)),"
            + "\"bytes\":\(d.bytes),\"rows\":\(d.rows),\"version\":\(d.version),\"policies\":{\(policies)},"
            + "\"created_at\":\(JSONWriter.quote(d.createdAt.formatted(.iso8601)))}"
    }

    static func tombstoneJSON(_ t: DatasetTombstone) -> String {
        "{\"name\":\(JSONWriter.quote(t.name)),\"version\":\(t.version),\"format\":\(JSONWriter.quote(t.format)),\"sha256\":\(JSONWriter.quote(t.sha256)),"
            + "\"rows\":\(t.rows),\"erased_by\":\(JSONWriter.quote(t.erasedBy)),\"erased_at\":\(JSONWriter.quote(t.erasedAt.formatted(.iso8601))),"
            + "\"reason\":\(JSONWriter.quote(t.reason))" + (t.rowsErased.map { ",\"rows_erased\":\($0)" } ?? "") + "}"
    }

    /// Schema, preview and the personal-data report as `caller` may see them: the dataset's
    /// column policies applied (dropped columns gone, hashed ones pseudonymised), and for keys
    /// that may not see raw values (viewers) every value masked and no extremes.
    static func descriptionJSON(_ description: DatasetStore.Description, policies: ColumnPolicies, pseudonyms: Pseudonyms, rawValues: Bool) -> String {
        func shown(_ value: String?, _ column: String) -> String?? {
            guard let applied = policies.apply(value, column: column, pseudonym: pseudonyms.callAsFunction) else { return .none }
            return .some(rawValues ? applied : applied.map(ColumnPolicy.mask))
        }
        let names = description.schema.columns.map(\.name)
        let kept = names.indices.filter { policies.byColumn[names[$0]] != .drop }
        let columns = kept.map { index -> String in
            let c = description.schema.columns[index]
            var fields = ["\"name\":\(JSONWriter.quote(c.name))", "\"kind\":\(JSONWriter.quote(c.kind.rawValue))",
                          "\"count\":\(c.count)", "\"missing\":\(c.missing)"]
            if let policy = policies.byColumn[c.name] { fields.append("\"policy\":\(JSONWriter.quote(policy.text))") }
            // Means and spreads are aggregates; minimum, maximum and top values are someone's values.
            let extremes = rawValues && policies.byColumn[c.name] == nil
            for (key, value) in [("mean", c.mean), ("std", c.std), ("min", extremes ? c.min : nil), ("max", extremes ? c.max : nil)] {
                if let value { fields.append("\"\(key)\":\(JSONWriter.number(value))") }
            }
            if let unique = c.unique { fields.append("\"unique\":\(unique)") }
            if let top = c.top {
                fields.append("\"top\":[" + top.map { item in
                    let value = (shown(item.value, c.name) ?? nil) ?? ""
                    return "{\"value\":\(JSONWriter.quote(value)),\"count\":\(item.count)}"
                }.joined(separator: ",") + "]")
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let rows = description.preview.map { row in
            "[" + kept.map { index in (shown(index < row.count ? row[index] : nil, names[index]) ?? nil).map(JSONWriter.quote) ?? "null" }.joined(separator: ",") + "]"
        }
        let findings = (description.personalData ?? []).filter { !$0.counts.isEmpty }.map { f in
            "{\"column\":\(JSONWriter.quote(f.column)),\"scanned\":\(f.scanned),\"found\":{"
                + f.counts.keys.sorted().map { "\(JSONWriter.quote($0)):\(f.counts[$0]!)" }.joined(separator: ",") + "}}"
        }
        return "\"schema\":{\"row_count\":\(description.schema.rowCount),\"columns\":[\(columns.joined(separator: ","))]},\"preview\":[\(rows.joined(separator: ","))],"
            + "\"preview_masked\":\(!rawValues),\"personal_data\":[\(findings.joined(separator: ","))]"
    }

    /// `{"email": "hash", "age": "generalize:10"}`.
    static func parsePolicies(_ value: WireJSON?) throws -> ColumnPolicies {
        guard let value, value != .null else { return ColumnPolicies() }
        guard let object = value.object else { throw PlatformError.invalid(field: "policies", message: "must be an object of column name to policy") }
        var texts: [String: String] = [:]
        for (column, policy) in object {
            guard let text = policy.string else { throw PlatformError.invalid(field: "policies.\(column)", message: "must be a policy name: \(ColumnPolicy.names.joined(separator: ", "))") }
            texts[column] = text
        }
        return try policiesFromTexts(texts)
    }

    static func policiesFromTexts(_ texts: [String: String]) throws -> ColumnPolicies {
        do { return try ColumnPolicies(texts: texts) }
        catch let error as DataError { throw PlatformError.invalid(field: "policies.\(error.field)", message: error.message) }
    }

    static func flag(_ request: Request, _ name: String) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return false }
        guard let value = ["true": true, "1": true, "false": false, "0": false][text] else {
            throw PlatformError.invalid(field: name, message: "must be true or false, got '\(text)'")
        }
        return value
    }

    static func versionsJSON(_ versions: [ModelVersion]) -> String {
        "[" + versions.map { "{\"model\":\(JSONWriter.quote($0.name)),\"version\":\($0.version)}" }.joined(separator: ",") + "]"
    }

    static func addDatasetRoutes(_ api: RouterGroup<APIContext>, _ s: PlatformServices, _ catalog: RouteCatalog) {
        // The body is the file itself, sealed as it streams in (never held whole in memory, never
        // on disk in plain text). Column policies: `?policy.email=hash&policy.age=generalize:10`.
        api.route(.POST, "/v1/datasets/{name}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let format = request.uri.queryParameters.get("format") ?? "csv"
            var texts: [String: String] = [:]
            for (key, value) in request.uri.queryParameters where key.hasPrefix("policy.") {
                texts[String(key.dropFirst("policy.".count))] = String(value)
            }
            let policies = try policiesFromTexts(texts)
            let chunks = request.streamedBody(context).map { Array($0.readableBytesView) }
            let name = try context.parameters.require("name")
            let (record, replaced) = try await s.datasets.upload(project: caller.project, name: name, format: format, chunks: chunks,
                                                                 policies: policies, actor: caller.keyID)
            try await context.audit(s, "dataset.upload", "dataset:\(name)@\(record.version)")
            var text = String(datasetJSON(record).dropLast())
            if let replaced { text += ",\"replaced\":" + tombstoneJSON(replaced) }
            return jsonResponse(text + "}", status: .created)
        }
        api.route(.GET, "/v1/datasets", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.read)
            let page = try PageRequest(request).page(try await s.datasets.list(project: caller.project)) { $0.name }
            return jsonResponse("{" + PageRequest.members("datasets", page.items.map(datasetJSON), next: page.nextToken) + "}")
        }
        api.route(.GET, "/v1/datasets/{name}", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let record = try await s.datasets.record(project: caller.project, name: try context.parameters.require("name"))
            var text = String(datasetJSON(record).dropLast())
            if let description = try await s.datasets.describe(record) {
                text += "," + descriptionJSON(description, policies: try policiesFromTexts(record.policies),
                                              pseudonyms: try await s.datasets.pseudonyms(project: caller.project), rawValues: caller.seesRawValues)
            }
            return jsonResponse(text + "}")
        }
        // Sets (replaces) the column policies: {"policies": {"email": "hash", "notes": "drop"}}.
        api.route(.PATCH, "/v1/datasets/{name}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            let body = try await request.json(context).fields(["policies"])
            guard body["policies"] != nil else { throw PlatformError.invalid(field: "policies", message: "is required: an object of column name to policy") }
            let record = try await s.datasets.setPolicies(project: caller.project, name: name, policies: try parsePolicies(body["policies"]))
            try await context.audit(s, "dataset.policy", "dataset:\(name)")
            return jsonResponse(datasetJSON(record))
        }
        // The dataset's raw bytes, decrypted as they are sent: developers and admins only.
        api.route(.GET, "/v1/datasets/{name}/file", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            guard caller.seesRawValues else { throw PlatformError.forbidden("a \(caller.role.rawValue) key sees masked previews only; downloading raw data needs a developer or admin key") }
            let record = try await s.datasets.record(project: caller.project, name: try context.parameters.require("name"))
            let reader = try await s.datasets.reader(record)
            try await context.audit(s, "dataset.download", "dataset:\(record.name)@\(record.version)")
            let types = ["csv": "text/csv", "tsv": "text/tab-separated-values", "jsonl": "application/x-ndjson"]
            return Response(status: .ok, headers: [.contentType: types[record.format] ?? "application/octet-stream", .contentLength: String(record.bytes)],
                            body: ResponseBody { writer in
                                while let chunk = try reader.next() { try await writer.write(ByteBuffer(bytes: chunk)) }
                                try await writer.finish(nil)
                            })
        }
        // Erasure: the data key is destroyed first (crypto-shredding), then the files; a
        // tombstone stays. `erase_derived=true` erases the model versions trained on it too
        // (`force=true` undeploys them first).
        api.route(.DELETE, "/v1/datasets/{name}", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            let erasure = try await s.eraseDataset(project: caller.project, name: name, actor: caller.keyID,
                                                   eraseDerived: try flag(request, "erase_derived"), force: try flag(request, "force"))
            try await context.audit(s, "dataset.erase", "dataset:\(name)@\(erasure.tombstone.version)")
            for version in erasure.erasedVersions { try await context.audit(s, "model.erase", "model:\(version.name)@\(version.version)") }
            for endpoint in erasure.undeployed { try await context.audit(s, "undeploy", "endpoint:\(endpoint)") }
            return jsonResponse("{\"tombstone\":\(tombstoneJSON(erasure.tombstone)),\"derived_versions\":\(versionsJSON(erasure.derivedVersions)),"
                                + "\"erased_versions\":\(versionsJSON(erasure.erasedVersions)),\"undeployed\":[\(erasure.undeployed.map(JSONWriter.quote).joined(separator: ","))],"
                                + "\"cancelled_jobs\":[\(erasure.cancelledJobs.map(JSONWriter.quote).joined(separator: ","))],"
                                + "\"erased_outputs\":[\(erasure.erasedOutputs.map(JSONWriter.quote).joined(separator: ","))]}")
        }
        // Erases individual records: {"column": "customer_id", "values": ["c-17", "c-42"]}.
        api.route(.POST, "/v1/datasets/{name}/erasures", catalog) { request, context in
            let caller = try context.caller()
            try caller.require(.write)
            let name = try context.parameters.require("name")
            let body = try await request.json(context).fields(["column", "values"])
            let column = try body.requiredString("column")
            guard let items = body["values"]?.elements, !items.isEmpty, items.count <= 100_000 else {
                throw PlatformError.invalid(field: "values", message: "is required: an array of 1 to 100000 values (strings or numbers) of '\(column)'")
            }
            let values = try items.enumerated().map { index, item -> String in
                if let text = item.string { return text }
                if let number = item.number { return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number) }
                throw PlatformError.invalid(field: "values[\(index)]", message: "must be a string or a number")
            }
            let erasure = try await s.eraseRecords(project: caller.project, name: name, column: column, values: values, actor: caller.keyID)
            try await context.audit(s, "dataset.erase_records", "dataset:\(name)@\(erasure.tombstone.version) -> \(erasure.record.version)")
            return jsonResponse("{\"dataset\":\(datasetJSON(erasure.record)),\"rows_erased\":\(erasure.removedRows),\"tombstone\":\(tombstoneJSON(erasure.tombstone)),"
                                + "\"trained_on_erased_data\":\(versionsJSON(erasure.flaggedVersions)),"
                                + "\"erased_outputs\":[\(erasure.erasedOutputs.map(JSONWriter.quote).joined(separator: ","))]}", status: .created)
        }
        // What remains of erased versions of a dataset: who, when, why, and the checksum.
        api.route(.GET, "/v1/datasets/{name}/tombstones", catalog) { _, context in
            let caller = try context.caller()
            try caller.require(.read)
            let name = try context.parameters.require("name")
            let tombstones = try await s.store.tombstones(project: caller.project).filter { $0.name == name }
            if tombstones.isEmpty { _ = try await s.datasets.record(project: caller.project, name: name) }
            return jsonResponse("{\"tombstones\":[" + tombstones.map(tombstoneJSON).joined(separator: ",") + "]}")
        }
    }
}
