import Foundation
import ObjectStore
import Platform
import Tensor

/// Model artifacts in an S3-compatible bucket, shared by every node: under
/// `<prefix>artifacts/<sha256>/` each file as the sealed bytes the file store writes (the bucket
/// never holds plaintext; the data keys stay in the metadata store, so erasing one there
/// shreds the objects and every node's copy alike).
///
/// - An artifact is visible only once its manifest (`.manifest`, written last, naming each file
///   and its sealed size) exists: a node that dies mid-upload, or a store lost mid-upload,
///   leaves nothing a node would load. Multipart uploads are themselves all-or-nothing.
/// - Each node stages new artifacts and keeps what it loaded in a local cache folder, managed by
///   a `FileArtifactStore`; a model is fetched from the bucket once per node.
/// - Every sealed segment is authenticated when read, so a changed or truncated object is an
///   integrity error naming it; sizes are checked against the manifest as objects arrive.
public struct S3ArtifactStore: ArtifactStore {
    public let client: S3Client
    /// Key prefix inside the bucket, empty or ending in "/".
    public let prefix: String
    let cache: FileArtifactStore

    struct Manifest: Codable {
        struct File: Codable { var name: String; var sealedBytes: Int }
        var files: [File]
    }

    public init(client: S3Client, prefix: String, cacheRoot: URL, storage: SealedStorage) throws {
        self.client = client
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        cache = try FileArtifactStore(root: cacheRoot, storage: storage)
    }

    /// Erases what a crash left in the cache: staging folders (with their keys) and downloads.
    public func removeAbandonedWork() async {
        await cache.removeAbandonedStaging()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cache.root.path)) ?? [] where name.hasPrefix(".download-") {
            try? FileManager.default.removeItem(at: cache.root.appendingPathComponent(name))
        }
    }

    func objectKey(_ digest: String, _ name: String) -> String { "\(prefix)artifacts/\(digest)/\(name)" }

    /// Where the artifacts are, for messages: `s3://bucket/prefix`.
    public var location: String { "s3://\(client.bucket)/\(prefix)" }

    func platformError(_ error: any Error, doing what: String) -> any Error {
        S3Failure.platformError(error, store: "the artifact store \(location)", doing: what)
    }

    func manifest(_ digest: String) async throws -> Manifest? {
        do {
            let bytes = try await client.get(objectKey(digest, ".manifest"))
            return try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch let error as S3Error where error.isNotFound {
            return nil
        } catch {
            throw platformError(error, doing: "reading artifact \(digest)")
        }
    }

    public func stage() async throws -> ArtifactStaging { try await cache.stage() }

    public func discard(_ staging: ArtifactStaging) async { await cache.discard(staging) }

    /// Commits locally, then publishes: every file, then the manifest. If the bucket has the
    /// artifact already, this node's copy (sealed under a key of its own) is erased and the
    /// published one is fetched when needed. A failed upload erases the local copy, so the
    /// artifact is either published or nowhere.
    public func commit(_ staging: ArtifactStaging) async throws -> String {
        let cachedBefore = cache.contains(staging.digest)
        let digest = try await cache.commit(staging)
        guard !cachedBefore else { return digest }
        do {
            if try await manifest(digest) != nil {
                try await cache.erase(digest)
                return digest
            }
            var manifest = Manifest(files: [])
            for name in try cache.fileNames(digest) {
                let url = cache.root.appendingPathComponent(digest).appendingPathComponent(name)
                let sealedBytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
                try await client.upload(objectKey(digest, name), chunks: FileChunks(url: url))
                manifest.files.append(.init(name: name, sealedBytes: sealedBytes))
            }
            try await client.put(objectKey(digest, ".manifest"), Array(try JSONEncoder().encode(manifest)))
            return digest
        } catch {
            try? await cache.erase(digest)
            throw platformError(error, doing: "storing artifact \(digest)")
        }
    }

    /// Makes sure the cache holds the published artifact (downloaded into a hidden folder, then
    /// renamed into place whole).
    func fetch(_ digest: String) async throws {
        guard !cache.contains(digest) else { return }
        guard digest.count == 64, digest.allSatisfy(\.isHexDigit) else {
            throw PlatformError.invalid(field: "artifact", message: "not a SHA-256 digest: \(digest)")
        }
        guard let manifest = try await manifest(digest) else { throw PlatformError.notFound(kind: "artifact", name: digest) }
        let download = cache.root.appendingPathComponent(".download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: download, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: download) }
        for file in manifest.files {
            guard !file.name.isEmpty, !file.name.hasPrefix("."), !file.name.contains("/") else {
                throw PlatformError.invalid(field: "artifact", message: "manifest of \(digest) names '\(file.name)'")
            }
            let path = download.appendingPathComponent(file.name).path
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw PlatformError.conflict("cannot write \(path)")
            }
            var received = 0
            do {
                try await client.read(objectKey(digest, file.name)) { bytes in
                    received += bytes.count
                    try handle.write(contentsOf: bytes)
                }
                try handle.close()
            } catch {
                try? handle.close()
                throw platformError(error, doing: "reading artifact \(digest)/\(file.name)")
            }
            guard received == file.sealedBytes else {
                throw SealedError.integrity("artifact \(digest)/\(file.name)", "the store sent \(received) bytes; the manifest says \(file.sealedBytes)")
            }
        }
        // Another request may have fetched it meanwhile: then its copy stays.
        if rename(download.path, cache.root.appendingPathComponent(digest).path) != 0 && !cache.contains(digest) {
            throw PlatformError.conflict("cannot move the downloaded artifact \(digest) into the cache")
        }
    }

    public func open(_ digest: String) async throws -> ArtifactFiles {
        try await fetch(digest)
        return try await cache.open(digest)
    }

    public func listing(_ digest: String) async throws -> [(name: String, size: Int)] {
        try await fetch(digest)
        return try await cache.listing(digest)
    }

    public func reader(_ digest: String, file: String) async throws -> SealedReader {
        try await fetch(digest)
        return try await cache.reader(digest, file: file)
    }

    /// Crypto-shreds the published artifact (the key in its files' headers, which is also every
    /// other node's cached copy's key), then hides it (manifest first) and deletes its objects.
    public func erase(_ digest: String) async throws {
        let manifest = try await manifest(digest)
        if manifest != nil { try await fetch(digest) }
        if cache.contains(digest) { try await cache.erase(digest) }
        guard let manifest else { return }
        do {
            try await client.delete(objectKey(digest, ".manifest"))
            for file in manifest.files { try await client.delete(objectKey(digest, file.name)) }
        } catch {
            throw platformError(error, doing: "deleting artifact \(digest)")
        }
    }
}

/// A file's bytes in 1 MiB chunks, for an upload.
struct FileChunks: AsyncSequence {
    typealias Element = [UInt8]
    let url: URL

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        mutating func next() async throws -> [UInt8]? {
            guard let handle else { throw PlatformError.conflict("cannot read the staged artifact file") }
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { try? handle.close(); return nil }
            return Array(data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: FileHandle(forReadingAtPath: url.path)) }
}

enum S3Failure {
    /// A store that cannot be reached or refuses is a 503 naming it; a missing object stays what it is.
    static func platformError(_ error: any Error, store: String, doing what: String) -> any Error {
        guard let s3 = error as? S3Error else { return error }
        switch s3 {
        case .unreachable, .status(500..., _, _, _), .status(401, _, _, _), .status(403, _, _, _):
            return PlatformError.unavailable(retryAfter: 5, "\(store) is unavailable (\(what)): \(s3)")
        default: return error
        }
    }
}

/// Datasets, job checkpoints and batch outputs every node shares, under `<prefix>files/<name>`:
/// the sealed bytes of each node's working copy (the bucket never holds plaintext).
public struct S3SharedFiles: SharedFiles {
    public let client: S3Client
    /// Key prefix inside the bucket, empty or ending in "/".
    public let prefix: String

    public init(client: S3Client, prefix: String) {
        self.client = client
        self.prefix = prefix
    }

    func key(_ name: String) -> String { prefix + "files/" + name }

    func failure(_ error: any Error, doing what: String) -> any Error {
        S3Failure.platformError(error, store: "the object store s3://\(client.bucket)/\(prefix)", doing: what)
    }

    /// A multipart upload for large files: the object appears whole when the last part is in.
    public func publish(_ file: URL, as name: String) async throws {
        do { try await client.upload(key(name), chunks: FileChunks(url: file)) }
        catch { throw failure(error, doing: "storing \(name)") }
    }

    public func fetch(_ name: String, to file: URL) async throws -> Bool {
        let download = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).download-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: download) }
        guard FileManager.default.createFile(atPath: download.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: download.path) else {
            throw PlatformError.conflict("cannot write \(download.path)")
        }
        do {
            try await client.read(key(name)) { try handle.write(contentsOf: $0) }
            try handle.close()
        } catch let error as S3Error where error.isNotFound {
            try? handle.close()
            return false
        } catch {
            try? handle.close()
            throw failure(error, doing: "reading \(name)")
        }
        // The sealed format authenticates every segment and its end, so a truncated or changed
        // object fails when it is read, naming it.
        guard rename(download.path, file.path) == 0 else { throw PlatformError.conflict("cannot move \(name) into \(file.path)") }
        return true
    }

    public func remove(_ name: String) async throws {
        do { try await client.delete(key(name)) }
        catch { throw failure(error, doing: "deleting \(name)") }
    }
}

/// An `--artifacts` setting: `s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT[&region=REGION]`,
/// with the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as every S3 tool reads them.
public struct ArtifactsSetting: Sendable {
    public var bucket: String
    /// Key prefix inside the bucket, empty or ending in "/".
    public var prefix: String
    public var endpoint: URL
    public var region: String
    public var accessKey: String
    public var secretKey: String

    public struct Invalid: Error, CustomStringConvertible, Sendable { public let description: String }

    public init(_ text: String, setting: String = "--artifacts", environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text), components.scheme == "s3", let bucket = components.host, !bucket.isEmpty else {
            throw Invalid(description: "\(setting): expected s3://BUCKET[/PREFIX]?endpoint=http://HOST:PORT, got '\(text)'")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        guard let endpointText = query["endpoint"], let endpoint = URL(string: endpointText), ["http", "https"].contains(endpoint.scheme ?? ""),
              endpoint.host != nil else {
            throw Invalid(description: "\(setting): give the store's address as ?endpoint=http://HOST:PORT (or https://)")
        }
        guard let accessKey = environment["AWS_ACCESS_KEY_ID"], !accessKey.isEmpty,
              let secretKey = environment["AWS_SECRET_ACCESS_KEY"], !secretKey.isEmpty else {
            throw Invalid(description: "\(setting): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the store's credentials")
        }
        self.bucket = bucket
        let path = String(components.path.drop { $0 == "/" })
        prefix = path.isEmpty || path.hasSuffix("/") ? path : path + "/"
        self.endpoint = endpoint
        region = query["region"] ?? environment["AWS_REGION"] ?? "us-east-1"
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    public var client: S3Client {
        S3Client(endpoint: endpoint, bucket: bucket, signer: SignatureV4(accessKey: accessKey, secretKey: secretKey, region: region))
    }

    /// Checks that the bucket answers and takes these credentials (a listing of the prefix), so a
    /// node with a wrong setting refuses to start rather than failing its first upload.
    public func check(setting: String = "--artifacts") async throws {
        do {
            _ = try await client.list(prefix: prefix + "artifacts/.probe")
        } catch {
            throw Invalid(description: "\(setting): s3://\(bucket)/\(prefix) at \(endpoint.absoluteString) cannot be used: \(error)")
        }
    }
}
