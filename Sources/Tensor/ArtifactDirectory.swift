import Foundation

/// Writes a model artifact directory atomically: the files go into a sibling staging
/// directory that is renamed over the target, so a crash leaves either the old artifact or the
/// new one, never a mix.
public enum ArtifactDirectory {
    public static func write(_ files: [String: Data], to directory: String) throws {
        try staged(directory) { staging in
            for (name, data) in files { try data.write(to: staging.appendingPathComponent(name)) }
        }
    }

    /// Copies files (each under its own name) into `directory` with the same staging as `write`,
    /// without reading them into memory: a model's weights can be hundreds of megabytes.
    public static func copy(_ files: [URL], to directory: String) throws {
        try staged(directory) { staging in
            for file in files { try FileManager.default.copyItem(at: file, to: staging.appendingPathComponent(file.lastPathComponent)) }
        }
    }

    /// Fills a staging directory beside `directory`, then moves it into place, so a crash never
    /// leaves a half-written artifact under the final name.
    private static func staged(_ directory: String, _ fill: (URL) throws -> Void) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let staging = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        try fill(staging)
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.moveItem(at: staging, to: target)
    }

    /// Pretty, key-sorted JSON (stable diffs of model.json).
    public static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    /// The `kind` field of a directory's model.json, if readable.
    public static func kind(of directory: String) -> String? { kind(of: ArtifactFiles(directory: directory)) }

    public static func kind(of files: ArtifactFiles) -> String? {
        guard let data = files.data("model.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kind"] as? String
    }
}
