import Datasets
import Foundation
import Testing

func temporaryFile(_ text: String, suffix: String = ".csv") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("maas-\(UUID())\(suffix)").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct CSVFiles {
    @Test func quotedFieldsTypesAndMissingValues() throws {
        let path = try temporaryFile("id,name,score,comment\r\n1,\"Smith, Jo\",3.5,\"said \"\"hi\"\"\nthen left\"\n2,Ann,NA,\n3,,-1e3,plain\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try CSVReader().read(path: path)
        #expect(table.columnNames == ["id", "name", "score", "comment"])
        #expect(table.rowCount == 3)
        #expect(table.column(named: "id")?.data == .numeric([1, 2, 3]))
        #expect(table.column(named: "name")?.data == .text(["Smith, Jo", "Ann", nil]))
        guard case .numeric(let score)? = table.column(named: "score")?.data else { Issue.record("score not numeric"); return }
        #expect(score[0] == 3.5 && score[1].isNaN && score[2] == -1000)
        #expect(table.column(named: "comment")?.data == .text(["said \"hi\"\nthen left", nil, "plain"]))
    }

    @Test func aColumnTurnsTextAtItsFirstNonNumber() throws {
        let path = try temporaryFile("code\n10\n20\nB7\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CSVReader().read(path: path).columns[0].data == .text(["10", "20", "B7"]))
    }

    /// Records that straddle chunk boundaries parse the same as with one big chunk.
    @Test func tinyChunksGiveTheSameTable() throws {
        let rows = (0..<200).map { "\($0),\"a,\($0)\",\(Double($0) / 7)" }.joined(separator: "\n")
        let path = try temporaryFile("k,text,v\n" + rows + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try CSVReader(chunkSize: 7).read(path: path) == CSVReader().read(path: path))
    }

    @Test(arguments: [
        ("a,b\n1,2\n3\n", "line 3: 1 fields, the header has 2"),
        ("a,b\n1,\"open\n", "line 2, column 3: quoted field is never closed"),
        ("a,b\n1,x\"y\n", "line 2, column 4: a quote inside an unquoted field"),
        ("a,a\n1,2\n", "column name 'a' appears twice"),
        ("", "the file is empty"),
    ])
    func malformedFilesNameTheLineAndColumn(text: String, expected: String) throws {
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try CSVReader().read(path: path)
            Issue.record("accepted a malformed file")
        } catch {
            #expect("\(error)".contains(expected), "got: \(error)")
        }
    }

    /// A 60 MB file streams through the parser without its text ever being held whole.
    @Test func largeFileStreamsInBoundedMemory() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maas-large-\(UUID()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let block = String(repeating: "123456.789,abcdefghij,42\n", count: 40_000)
        try handle.write(contentsOf: Data("x,y,z\n".utf8))
        for _ in 0..<60 { try handle.write(contentsOf: Data(block.utf8)) }
        try handle.close()
        var records = 0
        try CSVReader().forEachRecord(path: path) { fields, _ in
            records += 1
            #expect(fields.count == 3)
        }
        #expect(records == 60 * 40_000 + 1)
    }
}

@Suite struct OtherFormats {
    @Test func jsonLinesUnionOfKeysAndTypes() throws {
        let path = try temporaryFile("{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2.5, \"c\": true, \"b\": null}\n\n{\"a\": 3, \"d\": [1, 2]}\n", suffix: ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try JSONLinesReader.read(path: path)
        #expect(table.rowCount == 3)
        guard case .numeric(let a)? = table.column(named: "a")?.data, case .numeric(let c)? = table.column(named: "c")?.data else {
            Issue.record("a and c should be numeric"); return
        }
        #expect(a == [1, 2.5, 3])
        #expect(c[0].isNaN && c[1] == 1 && c[2].isNaN)
        #expect(table.column(named: "b")?.data == .text(["x", nil, nil]))
        #expect(table.column(named: "d")?.data == .text([nil, nil, "[1,2]"]))
        let bad = try temporaryFile("{\"a\": 1}\n[1, 2]\n", suffix: ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect { try JSONLinesReader.read(path: bad) } throws: { "\($0)".contains("line 2: not a JSON object") }
    }

    @Test func npyFloat64AndUInt8() throws {
        func npy(_ descr: String, _ shape: String, _ payload: [UInt8]) throws -> String {
            var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(shape)), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
                + Array(header.utf8) + payload
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("maas-\(UUID()).npy").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        var doubles: [UInt8] = []
        for v in [1.5, -2.0, 3.25, 0.0, 8.0, 9.5] as [Double] { withUnsafeBytes(of: v.bitPattern.littleEndian) { doubles += $0 } }
        let f8 = try npy("<f8", "2, 3", doubles)
        let u1 = try npy("|u1", "4,", [0, 7, 255, 3])
        defer { try? FileManager.default.removeItem(atPath: f8); try? FileManager.default.removeItem(atPath: u1) }
        let a = try NPYReader.read(path: f8)
        #expect(a.shape == [2, 3] && a.scalars == [1.5, -2, 3.25, 0, 8, 9.5])
        #expect(try NPYReader.read(path: u1).scalars == [0, 7, 255, 3])
        let short = try npy("<f4", "10,", [0, 0, 0, 0])
        defer { try? FileManager.default.removeItem(atPath: short) }
        #expect(throws: DatasetError.self) { try NPYReader.read(path: short) }
    }
}

@Suite struct SchemaInference {
    @Test func kindsAndStatistics() throws {
        let reviews = (0..<60).map { "review number \($0) says the food was \($0 % 2 == 0 ? "great" : "bad") and more words" }
        let table = DataTable(columns: [
            Column(name: "price", data: .numeric([1, 2, 3, .nan] + Array(repeating: 4, count: 56))),
            Column(name: "city", data: .text((0..<60).map { ["Oslo", "Rome", nil][$0 % 3] })),
            Column(name: "review", data: .text(reviews)),
            Column(name: "label", data: .text((0..<60).map { $0 % 2 == 0 ? "pos" : "neg" })),
        ])
        let schema = Schema.infer(table, target: "label")
        #expect(schema.columns.map(\.kind) == [.numeric, .categorical, .text, .label])
        let price = try #require(schema.column(named: "price"))
        #expect(price.missing == 1 && price.count == 59 && price.min == 1 && price.max == 4)
        #expect(Swift.abs(price.mean! - (6.0 + 4 * 56) / 59) < 1e-12)
        #expect(schema.column(named: "city")?.top?.map(\.value) == ["Oslo", "Rome"])
        #expect(schema.column(named: "city")?.missing == 20)
    }
}
