import Datasets
import Foundation
import Tensor
import Testing

@Suite struct IDXFiles {
    static func temporaryFile(_ bytes: [UInt8], gzip: Bool = false) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID()).idx").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        guard gzip else { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", path]
        try process.run()
        process.waitUntilExit()
        return path + ".gz"
    }

    @Test(arguments: [false, true])
    func readsUnsignedBytes(gzip: Bool) throws {
        let path = try Self.temporaryFile([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3] + (0..<12).map { UInt8($0 * 20) }, gzip: gzip)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = try IDXReader.read(path: path)
        #expect(t.shape == [2, 2, 3])
        #expect(t.scalars == (0..<12).map { Float($0 * 20) })
    }

    @Test func readsBigEndianFloats() throws {
        var bytes: [UInt8] = [0, 0, 0x0D, 1, 0, 0, 0, 2]
        for v: Float in [1.5, -2] { withUnsafeBytes(of: v.bitPattern.bigEndian) { bytes += $0 } }
        let path = try Self.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try IDXReader.read(path: path).scalars == [1.5, -2])
    }

    @Test func malformedFilesGetErrorsNotCrashes() throws {
        for bytes: [UInt8] in [[1, 2, 3], [0, 0, 0x42, 1, 0, 0, 0, 1, 0], [0, 0, 0x08, 1, 0, 0, 0, 9, 1, 2]] {
            let path = try Self.temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: DatasetError.self) { try IDXReader.read(path: path) }
        }
        #expect(throws: DatasetError.self) { try IDXReader.read(path: "/nonexistent/file.idx") }
    }

    @Test func fashionMNISTFolderLoads() throws {
        let folder = ProcessInfo.processInfo.environment["FASHION_MNIST_DIR"] ?? "/usr/share/datasets/fashion-mnist"
        let test = try LabelledImages.loadIDXFolder(folder, split: "test")
        #expect(test.images.shape == [10000, 28, 28, 1])
        #expect(Set(test.labels) == Set(0..<10))
        #expect(test.images.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}
