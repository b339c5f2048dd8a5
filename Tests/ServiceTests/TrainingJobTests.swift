import Datasets
import Foundation
import Learners
import Platform
import SQLiteStore
import Tensor
import Testing

/// Fashion-MNIST rows as IDX files (uint8 images, uint8 labels), as a user would upload them.
enum FashionSubset {
    static let folder = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? "/usr/share/datasets/fashion-mnist"

    static func idx(split: String, range: Range<Int>) throws -> (images: Data, labels: Data, pixels: [[Float]], classes: [Int]) {
        let all = try LabelledImages.loadIDXFolder(folder, split: split)
        let images = all.images.scalars, width = 784
        var imageBytes = Data([0, 0, 0x08, 3]), labelBytes = Data([0, 0, 0x08, 1])
        for dimension in [range.count, 28, 28] { imageBytes.append(contentsOf: withUnsafeBytes(of: UInt32(dimension).bigEndian, Array.init)) }
        labelBytes.append(contentsOf: withUnsafeBytes(of: UInt32(range.count).bigEndian, Array.init))
        var pixels: [[Float]] = []
        for i in range {
            let row = Array(images[(i * width)..<((i + 1) * width)])
            imageBytes.append(contentsOf: row.map { UInt8(($0 * 255).rounded()) })
            labelBytes.append(UInt8(all.labels[i]))
            pixels.append(row)
        }
        return (imageBytes, labelBytes, pixels, range.map { Int(all.labels[$0]) })
    }

    static func cnnSpec(epochs: Int) -> String {
        """
        {"input": {"shape": [28, 28, 1]},
         "layers": [{"type": "conv2d", "filters": 8, "kernel": 3, "activation": "relu"}, {"type": "maxpool2d", "pool_size": 2},
                    {"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}],
         "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.002}, "epochs": \(epochs), "batch_size": 64, "seed": 1}
        """
    }
}

@Suite(.serialized) struct TrainingJobsOverHTTP {
    /// The issue's end-to-end path: upload a Fashion-MNIST subset, train a small CNN as a job
    /// (followed over Server-Sent Events), deploy it, predict with both protocols, then restart
    /// and check the model is still served and the job history is intact.
    @Test func fashionMNISTUploadTrainDeployPredictRestart() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-e2e-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        var (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let train = try FashionSubset.idx(split: "train", range: 0..<4000)
        #expect(try await server.raw("POST", "/v1/datasets/fm-images?format=idx", key: admin, body: train.images).status == 201)
        #expect(try await server.raw("POST", "/v1/datasets/fm-labels?format=idx", key: admin, body: train.labels).status == 201)

        let submitted = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "fashion", "dataset": "fm-images", "labels": "fm-labels", "spec": \(FashionSubset.cnnSpec(epochs: 3)),
             "validation": {"holdout": 0.1}, "seed": 7}
            """)
        #expect(submitted.status == 201 && submitted.json["state"] as? String == "queued", "\(submitted.json)")
        let jobID = try #require(submitted.json["id"] as? String)

        // The event stream ends when the job does: history, live progress, then the final state.
        let stream = try await server.raw("GET", "/v1/training-jobs/\(jobID)/events", key: admin)
        #expect(stream.status == 200 && (stream.headers["Content-Type"] as? String)?.hasPrefix("text/event-stream") == true)
        let text = String(decoding: stream.body, as: UTF8.self)
        #expect(text.components(separatedBy: "event: epoch\n").count - 1 == 3, "\(text.prefix(2000))")
        #expect(text.contains("event: progress\n") && text.contains("\"state\":\"succeeded\""))
        let job = try await server.request("GET", "/v1/training-jobs/\(jobID)", key: admin).json
        #expect(job["state"] as? String == "succeeded" && job["version"] as? Int == 1)
        let heldOutAccuracy = try #require((job["metrics"] as? [String: Double])?["test_accuracy"])
        #expect(heldOutAccuracy > 0.7)

        // The version records its lineage: dataset checksum, spec, seed and job.
        let model = try await server.request("GET", "/v1/models/fashion", key: admin).json
        let lineage = try #require(((model["versions"] as? [[String: Any]])?.first?["lineage"]) as? [String: String])
        #expect(lineage["job"] == jobID && lineage["seed"] == "7" && lineage["dataset_sha256"] == Digest.sha256(train.images))

        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "fashion", "model": "fashion@1"}"#).status == 201)
        let test = try FashionSubset.idx(split: "test", range: 0..<200)
        func accuracy(_ labels: [String]) -> Double {
            Double(zip(labels, test.classes).filter { $0 == String($1) }.count) / Double(test.classes.count)
        }
        let pixels = test.pixels.flatMap { $0 }.map { String($0) }.joined(separator: ",")
        let oip = try await server.request("POST", "/v2/models/fashion/infer", key: admin,
                                           body: "{\"inputs\": [{\"name\": \"image\", \"shape\": [200, 28, 28, 1], \"datatype\": \"FP32\", \"data\": [\(pixels)]}]}")
        let labels = try #require((oip.json["outputs"] as? [[String: Any]])?.first?["data"] as? [String])
        #expect(accuracy(labels) > 0.7)
        let instances = test.pixels.map { "[" + $0.map { String($0) }.joined(separator: ",") + "]" }.joined(separator: ",")
        let tf = try await server.request("POST", "/v1/models/fashion:predict", key: admin, body: "{\"instances\": [\(instances)]}")
        #expect((tf.json["predictions"] as? [[String: Any]])?.compactMap { $0["label"] as? String } == labels)

        await server.stop()
        (server, _) = try await RunningServer.start(dataDirectory: root)
        let again = try await server.request("POST", "/v2/models/fashion/infer", key: admin,
                                             body: "{\"inputs\": [{\"name\": \"image\", \"shape\": [200, 28, 28, 1], \"datatype\": \"FP32\", \"data\": [\(pixels)]}]}")
        #expect((again.json["outputs"] as? [[String: Any]])?.first?["data"] as? [String] == labels)
        let history = try await server.request("GET", "/v1/training-jobs", key: admin).json["jobs"] as? [[String: Any]]
        #expect(history?.count == 1 && history?.first?["state"] as? String == "succeeded")
        let logs = try await server.request("GET", "/v1/training-jobs/\(jobID)/logs", key: admin).json["events"] as? [[String: Any]]
        #expect(logs?.filter { $0["type"] as? String == "epoch" }.count == 3)
        await server.stop()
    }

    /// Cancel stops a running job mid-epoch and registers nothing; bad requests name the field;
    /// another project cannot see or cancel the job.
    @Test func cancelBadInputAndIsolation() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-jobs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let train = try FashionSubset.idx(split: "train", range: 0..<2000)
        _ = try await server.raw("POST", "/v1/datasets/images?format=idx", key: admin, body: train.images)
        _ = try await server.raw("POST", "/v1/datasets/labels?format=idx", key: admin, body: train.labels)
        let iris = try String(contentsOfFile: repositoryPath("data/sklearn/iris.csv"), encoding: .utf8)
        _ = try await server.request("POST", "/v1/datasets/iris?format=csv", key: admin, body: iris)

        for (body, status, field) in [
            (#"{"name": "m", "dataset": "iris", "target": "target", "spec": {"algorithm": "svm"}, "colour": 1}"#, 400, "colour"),
            (#"{"name": "m", "dataset": "nope", "target": "target", "spec": {"algorithm": "svm"}}"#, 404, nil),
            (#"{"name": "m", "dataset": "iris", "target": "target", "spec": {"algorithm": "svm", "C": -1}}"#, 400, "spec.C"),
            (#"{"name": "m", "dataset": "iris", "target": "target", "spec": {"algorithm": "svm"}, "validation": {"kfold": 1}}"#, 400, "validation.kfold"),
            (#"{"name": "m", "dataset": "images", "spec": {"algorithm": "svm"}}"#, 400, "target"),
            (#"{"name": "m", "dataset": "images", "target": "x", "spec": \#(FashionSubset.cnnSpec(epochs: 1))}"#, 400, "labels"),
            (#"{"name": "m", "dataset": "iris", "target": "target", "spec": {"input": {"shape": [4]}, "layers": [{"type": "conv2d", "filters": 0}], "loss": "mse"}}"#, 400, "spec.layers[0].filters"),
            (#"{"name": "bad name!", "dataset": "iris", "target": "target", "spec": {"algorithm": "svm"}}"#, 400, "name"),
        ] as [(String, Int, String?)] {
            let response = try await server.request("POST", "/v1/training-jobs", key: admin, body: body)
            #expect(response.status == status && (response.json["error"] as? [String: Any])?["field"] as? String == field, "\(body) → \(response.json)")
        }
        // A wrong target column fails the job (not the server) with a message naming the columns.
        let wrongTarget = try await server.request("POST", "/v1/training-jobs", key: admin,
                                                   body: #"{"name": "m", "dataset": "iris", "target": "colour", "spec": {"algorithm": "svm"}}"#)
        let failedID = try #require(wrongTarget.json["id"] as? String)
        _ = try await server.raw("GET", "/v1/training-jobs/\(failedID)/events", key: admin)
        let failed = try await server.request("GET", "/v1/training-jobs/\(failedID)", key: admin).json
        #expect(failed["state"] as? String == "failed" && (failed["error"] as? String ?? "").contains("no column named 'colour'"))

        let long = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "long", "dataset": "images", "labels": "labels", "spec": \(FashionSubset.cnnSpec(epochs: 200))}
            """)
        let id = try #require(long.json["id"] as? String)
        var state = ""
        for _ in 0..<200 where state != "running" {
            try await Task.sleep(for: .milliseconds(50))
            state = try await server.request("GET", "/v1/training-jobs/\(id)", key: admin).json["state"] as? String ?? ""
        }
        try await server.services.store.createProject("other")
        let outsider = try await server.services.keys.create(project: "other", role: .admin, name: "o").token
        #expect(try await server.request("GET", "/v1/training-jobs/\(id)", key: outsider).status == 404)
        #expect(try await server.request("POST", "/v1/training-jobs/\(id)/cancel", key: outsider).status == 404)
        #expect((try await server.request("GET", "/v1/training-jobs", key: outsider).json["jobs"] as? [Any])?.isEmpty == true)

        let started = Date()
        #expect(try await server.request("POST", "/v1/training-jobs/\(id)/cancel", key: admin).status == 200)
        _ = try await server.raw("GET", "/v1/training-jobs/\(id)/events", key: admin)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try await server.request("GET", "/v1/training-jobs/\(id)", key: admin).json["state"] as? String == "cancelled")
        #expect(try await server.request("GET", "/v1/models/long", key: admin).status == 404)
        #expect(try await server.request("POST", "/v1/training-jobs/\(id)/cancel", key: admin).status == 409)
        await server.stop()
    }

    /// A trained version downloads as a tar archive that imports back to the same artifact;
    /// a batch prediction job writes one prediction per dataset row.
    @Test func batchPredictionAndArtifactRoundTrip() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-batch-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let iris = try String(contentsOfFile: repositoryPath("data/sklearn/iris.csv"), encoding: .utf8)
        _ = try await server.request("POST", "/v1/datasets/iris?format=csv", key: admin, body: iris)
        let trained = try await server.request("POST", "/v1/training-jobs", key: admin,
                                               body: #"{"name": "iris", "dataset": "iris", "target": "target", "spec": {"algorithm": "logistic_regression"}}"#)
        _ = try await server.raw("GET", "/v1/training-jobs/\(try #require(trained.json["id"] as? String))/events", key: admin)

        let archive = try await server.raw("GET", "/v1/models/iris/versions/1/artifact", key: admin)
        #expect(archive.status == 200 && archive.body.count % 512 == 0)
        let imported = try await server.raw("POST", "/v1/models/copy/versions", key: admin, body: archive.body, headers: ["Content-Type": "application/x-tar"])
        let copy = try #require(try JSONSerialization.jsonObject(with: imported.body) as? [String: Any])
        #expect(imported.status == 201 && copy["artifact"] as? String == archive.headers["x-artifact-sha256"] as? String)
        var hostile = archive.body
        hostile.replaceSubrange(0..<10, with: Data("../evil.js".utf8))
        #expect(try await server.raw("POST", "/v1/models/evil/versions", key: admin, body: hostile, headers: ["Content-Type": "application/x-tar"]).status == 400)

        let batch = try await server.request("POST", "/v1/batch-jobs", key: admin, body: #"{"model": "iris@1", "dataset": "iris"}"#)
        let id = try #require(batch.json["id"] as? String)
        #expect(batch.status == 201 && batch.json["kind"] as? String == "batch_prediction")
        let events = String(decoding: try await server.raw("GET", "/v1/batch-jobs/\(id)/events", key: admin).body, as: UTF8.self)
        #expect(events.contains("\"state\":\"succeeded\""))
        let output = String(decoding: try await server.raw("GET", "/v1/batch-jobs/\(id)/output", key: admin).body, as: UTF8.self)
        let lines = output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 150 && lines.map { $0["row"] as? Int } == (0..<150).map { Optional($0) })
        let truth = iris.split(whereSeparator: \.isNewline).dropFirst().map { String($0.split(separator: ",").last!) }
        let correct = zip(lines, truth).filter { ($0["label"] as? String) == $1 }.count
        #expect(correct >= 140)
        // Split into shards of 40 rows (4 tasks), the output is joined in row order: the same bytes.
        let split = try await server.request("POST", "/v1/batch-jobs", key: admin, body: #"{"model": "iris@1", "dataset": "iris", "shard_rows": 40}"#)
        let splitID = try #require(split.json["id"] as? String)
        let splitEvents = String(decoding: try await server.raw("GET", "/v1/batch-jobs/\(splitID)/events", key: admin).body, as: UTF8.self)
        #expect(splitEvents.contains("\"state\":\"waiting\"") && splitEvents.contains("joined 4 shards, 150 rows"))
        let joined = String(decoding: try await server.raw("GET", "/v1/batch-jobs/\(splitID)/output", key: admin).body, as: UTF8.self)
        #expect(joined == output)
        let splitJob = try await server.request("GET", "/v1/batch-jobs/\(splitID)", key: admin)
        let shards = try #require(splitJob.json["tasks"] as? [[String: Any]])
        #expect(shards.count == 4 && shards.allSatisfy { $0["kind"] as? String == "prediction_shard" && $0["state"] as? String == "succeeded" })
        #expect((splitJob.json["metrics"] as? [String: Any])?["shards"] as? Double == 4)
        let outputs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("jobs/outputs").path)
        #expect(!outputs.contains { $0.contains(".part") }, "the shards' outputs are erased once joined: \(outputs)")
        let noRows = try await server.request("POST", "/v1/batch-jobs", key: admin, body: #"{"model": "iris@1", "dataset": "iris", "shard_rows": 0}"#)
        #expect(noRows.status == 400 && (noRows.json["error"] as? [String: Any])?["field"] as? String == "shard_rows")
        // Kinds do not mix; bad references are named.
        #expect(try await server.request("GET", "/v1/training-jobs/\(id)", key: admin).status == 404)
        let missing = try await server.request("POST", "/v1/batch-jobs", key: admin, body: #"{"model": "nope@1", "dataset": "iris"}"#)
        #expect(missing.status == 404)
        let unknown = try await server.request("POST", "/v1/batch-jobs", key: admin, body: #"{"model": "iris", "dataset": "iris", "rows": 5}"#)
        #expect(unknown.status == 400 && (unknown.json["error"] as? [String: Any])?["field"] as? String == "rows")
        await server.stop()
    }

    /// A k-fold job runs as one task per fold (any worker may take each), then joins them: the
    /// same scores as the run in one piece, each fold listed with its own, one version registered.
    @Test func aKFoldJobRunsAsOneTaskPerFold() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-folds-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        let path = repositoryPath("data/sklearn/wine.csv")
        _ = try await server.request("POST", "/v1/datasets/wine?format=csv", key: admin, body: try String(contentsOfFile: path, encoding: .utf8))
        let spec = #"{"algorithm": "random_forest", "n_estimators": 20}"#
        let submitted = try await server.request("POST", "/v1/training-jobs", key: admin, body: """
            {"name": "wine", "dataset": "wine", "target": "target", "spec": \(spec), "validation": {"kfold": 5}, "seed": 4}
            """)
        let id = try #require(submitted.json["id"] as? String)
        let events = String(decoding: try await server.raw("GET", "/v1/training-jobs/\(id)/events", key: admin).body, as: UTF8.self)
        #expect(events.contains(#""state":"waiting","tasks":5"#) && events.contains(#""state":"succeeded""#))
        let job = try await server.request("GET", "/v1/training-jobs/\(id)", key: admin).json
        let tasks = try #require(job["tasks"] as? [[String: Any]])
        #expect(tasks.count == 5 && tasks.allSatisfy { $0["state"] as? String == "succeeded" && $0["kind"] as? String == "cv_fold" })

        let whole = try ModelTraining.run(.learner(try LearnerSpec.parse(spec)), data: .table(try CSVReader().read(path: path), target: "target"),
                                          scheme: .kFold(5), seed: 4, output: { _ in }).metrics
        let metrics = try #require(job["metrics"] as? [String: Double])
        // The API writes 9 significant digits; the joined scores are the same sums in the same order.
        #expect(!whole.isEmpty && Set(metrics.keys) == Set(whole.keys), "\(metrics) vs \(whole)")
        for (name, value) in whole { #expect(abs((metrics[name] ?? .nan) - value) <= 1e-8 * max(1, abs(value)), "\(name)") }
        let perFold = tasks.compactMap { ($0["metrics"] as? [String: Double])?["accuracy"] }
        #expect(perFold.count == 5 && abs(perFold.reduce(0, +) / 5 - (whole["cv_accuracy"] ?? -1)) < 1e-8)
        let listed = try await server.request("GET", "/v1/training-jobs", key: admin).json["jobs"] as? [[String: Any]]
        #expect(listed?.count == 1, "tasks are not listed as jobs of their own")
        #expect(try await server.request("GET", "/v1/training-jobs/\(id)-task0", key: admin).status == 404)
        let model = try await server.request("GET", "/v1/models/wine", key: admin).json
        #expect((model["versions"] as? [[String: Any]])?.count == 1)
        await server.stop()
    }

    /// A hyperparameter search: each trial a task, the best configuration registered with the
    /// whole search in its lineage; the same seed proposes the same trials; bad spaces are 400s
    /// naming the field.
    @Test func tuningJobsSearchAndRegisterTheBest() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-tuning-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        _ = try await server.request("POST", "/v1/datasets/wine?format=csv", key: admin,
                                     body: try String(contentsOfFile: repositoryPath("data/sklearn/wine.csv"), encoding: .utf8))
        let base = #""name": "wine", "dataset": "wine", "target": "target", "spec": {"algorithm": "random_forest"}, "validation": {"kfold": 3}, "seed": 2"#
        let objective = #""objective": {"metric": "cv_accuracy", "direction": "maximize"}"#
        for (body, field) in [
            (#"{\#(base), \#(objective), "space": {"spec.max_depthh": {"int": [1, 3]}}}"#, "space.spec.max_depthh"),
            (#"{\#(base), \#(objective), "space": {"spec.max_depth": {"int": [5, 2]}}}"#, "space.spec.max_depth.int"),
            (#"{\#(base), \#(objective), "space": {"spec.criterion": {"choice": []}}}"#, "space.spec.criterion.choice"),
            (#"{\#(base), \#(objective), "space": {"spec.max_depth": {"normal": [1, 3]}}}"#, "space.spec.max_depth"),
            (#"{\#(base), \#(objective), "space": {"dataset": {"choice": ["x"]}}}"#, "space.dataset"),
            (#"{\#(base), \#(objective), "space": {"spec.max_features": {"uniform": [0.1, 0.9]}}, "sampler": "grid"}"#, "space.spec.max_features"),
            (#"{\#(base), \#(objective), "space": {"spec.max_depth": {"int": [1, 3]}}, "sampler": "bayes"}"#, "sampler"),
            (#"{\#(base), "space": {"spec.max_depth": {"int": [1, 3]}}}"#, "objective"),
            (#"{\#(base), \#(objective), "space": {"spec.max_depth": {"int": [1, 3]}}, "trials": 0}"#, "trials"),
            (#"{\#(base), \#(objective), "space": {"spec.max_depth": {"int": [1, 3]}}, "early_stopping": {"min_epochs": 1}}"#, "early_stopping"),
        ] {
            let response = try await server.request("POST", "/v1/tuning-jobs", key: admin, body: body)
            #expect(response.status == 400 && (response.json["error"] as? [String: Any])?["field"] as? String == field, "\(field): \(response.json)")
        }

        // A grid: every configuration once, two at a time; the best is registered.
        let grid = try await server.request("POST", "/v1/tuning-jobs", key: admin, body: """
            {\(base), \(objective), "sampler": "grid", "parallelism": 2, "trials": 100,
             "space": {"spec.max_depth": {"int": [1, 3]}, "spec.n_estimators": {"choice": [3, 25]}}}
            """)
        #expect(grid.status == 201 && grid.json["kind"] as? String == "tuning")
        let gridID = try #require(grid.json["id"] as? String)
        let events = String(decoding: try await server.raw("GET", "/v1/tuning-jobs/\(gridID)/events", key: admin).body, as: UTF8.self)
        #expect(events.contains(#""state":"succeeded""#), "\(events)")
        let job = try await server.request("GET", "/v1/tuning-jobs/\(gridID)", key: admin).json
        let trials = try #require(job["tasks"] as? [[String: Any]])
        #expect(trials.count == 6 && trials.allSatisfy { $0["state"] as? String == "succeeded" && $0["kind"] as? String == "trial" })
        let configurations = Set(trials.compactMap { trial -> String? in
            guard let request = trial["request"] as? [String: Any], let params = request["params"] as? [String: String] else { return nil }
            return params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ",")
        })
        #expect(configurations.count == 6, "each grid point once: \(configurations)")
        let scores = trials.compactMap { ($0["metrics"] as? [String: Double])?["cv_accuracy"] }
        let metrics = try #require(job["metrics"] as? [String: Double])
        #expect(scores.count == 6 && abs((metrics["cv_accuracy"] ?? -1) - scores.max()!) < 1e-8, "the registered model scores as the best trial")
        #expect(metrics["trials"] == 6)
        let model = try await server.request("GET", "/v1/models/wine", key: admin).json
        let version = try #require((model["versions"] as? [[String: Any]])?.first)
        let lineage = try #require(version["lineage"] as? [String: String])
        #expect(lineage["tuning_job"] == gridID && lineage["tuning_sampler"] == "grid")
        let search = try JSONSerialization.jsonObject(with: Data((lineage["tuning_trials"] ?? "").utf8)) as? [[String: Any]]
        #expect(search?.count == 6)

        // TPE from the same seed twice: the same trials, random ones first, then model-based.
        var proposals: [[String]] = []
        for _ in 0..<2 {
            let tpe = try await server.request("POST", "/v1/tuning-jobs", key: admin, body: """
                {\(base), \(objective), "sampler": "tpe", "parallelism": 3, "trials": 13,
                 "space": {"spec.max_depth": {"int": [1, 8]}, "spec.n_estimators": {"int": [2, 30]}, "spec.max_features": {"uniform": [0.1, 0.9]}}}
                """)
            let id = try #require(tpe.json["id"] as? String)
            _ = try await server.raw("GET", "/v1/tuning-jobs/\(id)/events", key: admin)
            let done = try await server.request("GET", "/v1/tuning-jobs/\(id)", key: admin).json
            #expect(done["state"] as? String == "succeeded")
            let tasks = (done["tasks"] as? [[String: Any]]) ?? []
            proposals.append(tasks.compactMap { task -> String? in
                guard let request = task["request"] as? [String: Any], let index = request["index"] as? Int,
                      let params = request["params"] as? [String: String] else { return nil }
                return "\(index): " + params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ",")
            }.sorted())
        }
        #expect(proposals[0].count == 13 && proposals[0] == proposals[1], "\(proposals[0]) vs \(proposals[1])")
        await server.stop()
    }

    /// Successive halving: every network trial trains the fewest epochs, the best third three
    /// times as long, and so on up to the spec's epochs; the survivor is registered.
    @Test func successiveHalvingStopsBadTrialsEarly() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-halving-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root)
        let admin = try #require(adminKey)
        _ = try await server.request("POST", "/v1/datasets/iris?format=csv", key: admin,
                                     body: try String(contentsOfFile: repositoryPath("data/sklearn/iris.csv"), encoding: .utf8))
        let response = try await server.request("POST", "/v1/tuning-jobs", key: admin, body: """
            {"name": "iris-net", "dataset": "iris", "target": "target", "seed": 1, "epochs": 9,
             "spec": {"input": {"shape": [4]}, "layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}],
                      "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.01}, "batch_size": 16},
             "space": {"spec.optimizer.lr": {"log": [0.0005, 0.1]}, "spec.layers.0.units": {"int": [2, 32]}},
             "sampler": "random", "trials": 9, "parallelism": 9, "early_stopping": {"min_epochs": 1, "reduction": 3},
             "objective": {"metric": "test_loss", "direction": "minimize"}}
            """)
        #expect(response.status == 201, "\(response.json)")
        let id = try #require(response.json["id"] as? String)
        _ = try await server.raw("GET", "/v1/tuning-jobs/\(id)/events", key: admin)
        let job = try await server.request("GET", "/v1/tuning-jobs/\(id)", key: admin).json
        #expect(job["state"] as? String == "succeeded", "\(job)")
        let tasks = (job["tasks"] as? [[String: Any]]) ?? []
        let rungs = tasks.compactMap { ($0["request"] as? [String: Any]).map { ($0["rung"] as? Int ?? -1, $0["epochs"] as? Int ?? -1) } }
        #expect(rungs.filter { $0 == (0, 1) }.count == 9 && rungs.filter { $0 == (1, 3) }.count == 3 && rungs.filter { $0 == (2, 9) }.count == 1,
                "\(rungs)")
        #expect((job["metrics"] as? [String: Double])?["trials"] == 13)
        await server.stop()
    }

    /// A job interrupted mid-run (as by a crash or restart) continues from its last epoch
    /// checkpoint when the workers start again, and ends as a registered version.
    @Test func interruptedJobResumesFromCheckpoint() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-resume-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteMetadataStore(path: root.appendingPathComponent("metadata.sqlite").path)
        func services() async throws -> PlatformServices { try await PlatformServices.open(dataDirectory: root, store: store) }
        try await store.createProject("p")
        var platform = try await services()
        let train = try FashionSubset.idx(split: "train", range: 0..<1500)
        _ = try await platform.datasets.upload(project: "p", name: "images", format: "idx", chunks: [Array(train.images)].async, actor: "k")
        _ = try await platform.datasets.upload(project: "p", name: "labels", format: "idx", chunks: [Array(train.labels)].async, actor: "k")
        try await platform.jobs.start()
        let job = try await platform.jobs.submit(project: "p", keyID: "k", request: """
            {"name": "resumed", "dataset": "images", "labels": "labels", "spec": \(FashionSubset.cnnSpec(epochs: 40))}
            """)
        let checkpoint = root.appendingPathComponent("jobs/\(job.id)/checkpoint.sealed").path
        for _ in 0..<600 where !FileManager.default.fileExists(atPath: checkpoint) { try await Task.sleep(for: .milliseconds(50)) }
        await platform.jobs.shutdown()
        #expect(try await platform.jobs.job(project: "p", id: job.id).state == .running)

        platform = try await services()
        try await platform.jobs.start()
        var finished: JobRecord.State = .running
        for await event in try await platform.jobs.follow(project: "p", id: job.id) where event.type == "state" {
            if event.data.contains("succeeded") { finished = .succeeded }
        }
        await platform.jobs.shutdown()
        #expect(finished == .succeeded)
        let events = try await platform.jobs.events(project: "p", id: job.id)
        let epochs = events.filter { $0.type == "epoch" }.compactMap { event in
            (try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any])?["epoch"] as? Int
        }
        // Every epoch reported exactly once across both attempts, and the second started after a checkpoint.
        #expect(epochs == Array(1...40))
        #expect(events.contains { $0.type == "log" && $0.data.contains("resuming after epoch") })
        #expect(try await platform.jobs.job(project: "p", id: job.id).attempts == 2)
        #expect(try await platform.registry.versions(project: "p", name: "resumed").count == 1)
    }
}

extension Array where Element: Sendable {
    /// The array as an async sequence (for upload calls in tests).
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
