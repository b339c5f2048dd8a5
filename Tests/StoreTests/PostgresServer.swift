import Foundation

/// A PostgreSQL 15 server (Debian's `postgresql-15`) in a throwaway folder on a free loopback
/// port, started once per test process; each test gets its own database in it.
///
/// initdb refuses to run as root, so as root the server runs as the `postgres` user the package
/// creates. A watcher stops the server when this process exits, however it exits.
actor PostgresServer {
    static let binaries = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]
        .first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    static var available: Bool { binaries != nil }
    /// make test sets this: there, a missing server is a failure, not a skipped suite.
    static var required: Bool { ProcessInfo.processInfo.environment["MAAS_REQUIRE_POSTGRES"] == "1" }

    static let shared = PostgresServer()
    private var started: (port: Int, folder: String)?

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// `postgres://maas@127.0.0.1:PORT/NAME` for a new, empty database.
    func newDatabase() throws -> String {
        let (port, _) = try start()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try run(psql(port: port, "CREATE DATABASE \(name)"))
        return "postgres://maas@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// The server's port (starting it on first use).
    func port() throws -> Int { try start().port }

    /// Stops the server at once (as a crash would) and starts it again on the same port and data.
    func restart(downFor seconds: Double = 0) throws {
        let (port, folder) = try start()
        stop()
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
        try launch(port: port, folder: folder)
    }

    private func start() throws -> (port: Int, folder: String) {
        if let started { return started }
        guard let binaries = Self.binaries else { throw Failure(description: "PostgreSQL is not installed (apt-get install postgresql-15)") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("maas-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 { try run(["/bin/chown", "postgres:", folder]) }
        try run(asServerUser(["\(binaries)/initdb", "-D", "\(folder)/data", "-U", "maas", "--auth=trust", "-E", "UTF8", "--no-locale"]))
        let port = Self.freePort()
        try launch(port: port, folder: folder)
        // Stops the server (immediate shutdown, by the pid it records) and removes its folder
        // once this process is gone.
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/bin/sh")
        // A zombie still answers kill -0, so its state is read too; and the watcher's output goes
        // nowhere, or it would hold the test runner's pipe open and the runner would wait for it.
        watcher.arguments = ["-c", "while kill -0 \(getpid()) 2>/dev/null && ! grep -q '^State:.*Z' /proc/\(getpid())/status; do sleep 0.5; done; "
            + "kill -QUIT $(head -1 \(folder)/data/postmaster.pid) 2>/dev/null; sleep 1; rm -rf \(folder)"]
        watcher.standardOutput = FileHandle.nullDevice
        watcher.standardError = FileHandle.nullDevice
        try watcher.run()
        started = (port, folder)
        return (port, folder)
    }

    /// The server process itself, not pg_ctl: every process the server starts inherits the
    /// descriptor by which Foundation sees its child exit, so waiting on a command that leaves
    /// the server running behind it would never end.
    private var server: Process?

    private func launch(port: Int, folder: String) throws {
        let process = Process()
        let command = asServerUser(["\(Self.binaries ?? "")/postgres", "-D", "\(folder)/data", "-p", "\(port)", "-k", folder,
                                    "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"])
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        server = process
        for _ in 0..<200 {
            if (try? run(["\(Self.binaries ?? "")/pg_isready", "-q", "-h", "127.0.0.1", "-p", "\(port)"])) != nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "PostgreSQL did not accept connections on port \(port) within 10 s")
    }

    /// Immediate shutdown (SIGQUIT): what a crash leaves, recovered from the WAL at the next start.
    private func stop() {
        guard let server else { return }
        kill(server.processIdentifier, SIGQUIT)
        server.waitUntilExit()
        self.server = nil
    }

    private func psql(port: Int, _ sql: String) -> [String] {
        ["/usr/bin/psql", "-h", "127.0.0.1", "-p", "\(port)", "-U", "maas", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql]
    }

    private func asServerUser(_ command: [String]) -> [String] {
        // setpriv execs the command (runuser forks and waits), so the server is this process's child.
        getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + command : command
    }

    private func run(_ command: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        // Output goes to a file, not a pipe (whose end a lingering grandchild could hold open).
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("maas-pg-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(command.joined(separator: " ")) exited with \(process.terminationStatus): \(text)")
        }
    }

    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
