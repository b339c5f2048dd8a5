/// Errors from tensor construction and shape checks, phrased for the person who passed the shape.
public enum TensorError: Error, CustomStringConvertible, Equatable {
    case shapeMismatch(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let message), .invalidArgument(let message): return message
        }
    }
}

/// An n-dimensional, contiguous, row-major array of Float32 with value semantics.
///
/// Copies share storage until one of them is written (copy-on-write), so passing tensors
/// around is cheap and a kernel never sees its input change under it.
public struct Tensor: Sendable {
    public private(set) var shape: [Int]
    var storage: TensorStorage

    /// Number of elements.
    @inlinable public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// A tensor whose contents are undefined; kernels that overwrite every element use it.
    init(uninitializedShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        storage = TensorStorage(count: shape.reduce(1, *))
    }

    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    public init(zeros shape: [Int]) { self.init(shape: shape, repeating: 0) }

    public init(shape: [Int], repeating value: Float) {
        self.init(uninitializedShape: shape)
        storage.pointer.initialize(repeating: value, count: storage.count)
    }

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.init(uninitializedShape: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: $0.count) }
    }

    public init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    /// Builds a tensor by filling a fresh buffer through `body`.
    public init(shape: [Int], fill body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.init(uninitializedShape: shape)
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
    }

    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with shape \(shape)")
        return storage.pointer[0]
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Read-only pointer for kernels inside this module.
    @inline(__always) var base: UnsafeMutablePointer<Float> { storage.pointer }

    /// Same elements, new shape (shares storage). One dimension may be -1 and is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot reshape \(shape) (\(count) values) to \(newShape)")
        return Tensor(shape: resolved, storage: storage)
    }

    /// Rows `range` of the leading axis, copied into a new tensor.
    public func slice(rows range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[0], "rows \(range) out of 0..<\(shape[0])")
        let rowSize = count / max(shape[0], 1)
        var result = Tensor(uninitializedShape: [range.count] + shape.dropFirst())
        result.base.update(from: base + range.lowerBound * rowSize, count: range.count * rowSize)
        return result
    }

    /// Rows at `indices` of the leading axis, gathered into a new tensor (shuffled batches).
    public func gather(rows indices: some Collection<Int>) -> Tensor {
        let rowSize = count / max(shape[0], 1)
        let result = Tensor(uninitializedShape: [indices.count] + shape.dropFirst())
        var destination = result.base
        for index in indices {
            precondition(index >= 0 && index < shape[0], "row \(index) out of 0..<\(shape[0])")
            destination.update(from: base + index * rowSize, count: rowSize)
            destination += rowSize
        }
        return result
    }

    /// Stacks tensors of equal shape along a new leading axis.
    public static func stack(_ tensors: [Tensor]) -> Tensor {
        guard let first = tensors.first else { return Tensor(zeros: [0]) }
        let result = Tensor(uninitializedShape: [tensors.count] + first.shape)
        for (i, t) in tensors.enumerated() {
            precondition(t.shape == first.shape, "stack of shapes \(first.shape) and \(t.shape)")
            (result.base + i * first.count).update(from: t.base, count: first.count)
        }
        return result
    }

    /// Index of the largest value in each row of a [rows, columns] tensor.
    public func argmaxRows() -> [Int] {
        let columns = shape.last ?? 1
        let rows = count / max(columns, 1)
        return (0..<rows).map { r in
            let row = base + r * columns
            var best = 0
            for c in 1..<max(columns, 1) where row[c] > row[best] { best = c }
            return best
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

extension Tensor: Equatable {
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && lhs.scalars == rhs.scalars
    }
}
